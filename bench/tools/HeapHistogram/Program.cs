using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Runtime;

namespace Ohm.Tools.HeapHistogram;

/// <summary>
/// Writes a dump of a running .NET process (or reads one) and prints what its managed heap holds, by type, next to the
/// process's resident memory, so that what is native (outside the managed heap) shows too. Only objects reachable
/// from the roots are counted unless <c>--all</c> is given: garbage that the next collection frees is not a cost.
/// </summary>
internal static class Program
{
    private const string Usage = """
        heap-histogram PID [options]        dump the process and print its heap by type
        heap-histogram --dump FILE [options] read a dump written earlier

          --per N          also divide every figure by N (connections, for example)
          --top N          rows to print (default 40)
          --all            count unreachable objects too (default: only what is reachable from the roots)
          --dead           list the unreachable objects instead: the garbage the next collection would free
          --save FILE      write the full histogram as TSV (type, count, bytes) for a later --baseline
          --baseline FILE  print the difference from a histogram saved with --save instead of the totals
          --held-by TYPE   for the reachable objects of TYPE (full name), print what holds them, their sizes and,
                           for System.String, the most frequent values
          --keep           keep the dump (it goes to /tmp and is deleted otherwise)
        """;

    public static int Main(string[] args)
    {
        try
        {
            return Run(Arguments.Parse(args));
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }

    private static int Run(Arguments arguments)
    {
        ProcessMemory? memory = null;
        var dump = arguments.DumpFile;
        var written = false;
        if (arguments.Pid is { } pid)
        {
            memory = ProcessMemory.Read(pid);
            dump = Path.Combine(Path.GetTempPath(), $"heap-{pid}-{DateTime.UtcNow:yyyyMMddHHmmss}.dmp");
            Console.Error.WriteLine($"Writing a dump of {pid} to {dump} ...");
            new DiagnosticsClient(pid).WriteDump(DumpType.WithHeap, dump, logDumpGeneration: false);
            written = true;
        }

        try
        {
            using var target = DataTarget.LoadDump(dump!);
            using var runtime = CreateRuntime(target.ClrVersions[0]);
            var heap = runtime.Heap;
            if (!heap.CanWalkHeap)
            {
                Console.Error.WriteLine("The heap cannot be walked in this dump (taken during a collection?); take another.");
                return 1;
            }

            var parents = arguments.HeldBy is null ? null : new Dictionary<ulong, ulong>();
            var reachable = arguments.All ? null : Reachable(heap, parents);
            var held = new List<ClrObject>();
            var histogram = new Dictionary<string, Row>(StringComparer.Ordinal);
            long liveBytes = 0, deadBytes = 0, freeBytes = 0;
            foreach (var obj in heap.EnumerateObjects())
            {
                if (!obj.IsValid)
                {
                    continue;
                }

                var size = (long)obj.Size;
                if (obj.IsFree)
                {
                    freeBytes += size;
                    continue;
                }

                var live = reachable is null || reachable.Contains(obj.Address);
                if (live)
                {
                    liveBytes += size;
                }
                else
                {
                    deadBytes += size;
                }

                if (live == arguments.Dead)
                {
                    continue;
                }

                var name = obj.Type?.Name ?? "<unknown>";
                if (arguments.HeldBy is { } heldBy && name == heldBy)
                {
                    held.Add(obj);
                }

                ref var row = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(histogram, name, out _);
                row = new Row(row.Count + 1, row.Bytes + size);
            }

            PrintSummary(heap, memory, liveBytes, deadBytes, freeBytes, arguments);
            if (arguments.Save is { } save)
            {
                File.WriteAllLines(save, histogram.Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Key}\t{h.Value.Count}\t{h.Value.Bytes}")));
            }

            var rows = arguments.Baseline is { } baseline ? Difference(histogram, Load(baseline)) : histogram;
            PrintRows(rows, arguments, arguments.Baseline is not null);
            if (arguments.HeldBy is not null)
            {
                PrintHolders(heap, held, parents!, arguments);
            }

            return 0;
        }
        finally
        {
            if (written && !arguments.Keep)
            {
                File.Delete(dump!);
            }
            else if (written)
            {
                Console.Error.WriteLine($"The dump is kept at {dump}");
            }
        }
    }

    /// <summary>
    /// Opens the runtime with the DAC that ships beside it (libmscordaccore.so in the shared framework folder), which
    /// ClrMD does not look for on Linux by itself.
    /// </summary>
    private static ClrRuntime CreateRuntime(ClrInfo clr)
    {
        var beside = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName) ?? "", OperatingSystem.IsWindows() ? "mscordaccore.dll" : "libmscordaccore.so");
        // A dump written without module version resources reads as version 0.0; the DAC beside the runtime that wrote it matches.
        return File.Exists(beside) ? clr.CreateRuntime(beside, ignoreMismatch: true) : clr.CreateRuntime();
    }

    /// <summary>The addresses of every object reachable from a root (stacks, handles, statics, the finalizer queue).</summary>
    private static HashSet<ulong> Reachable(ClrHeap heap, Dictionary<ulong, ulong>? parents)
    {
        var seen = new HashSet<ulong>();
        var work = new Stack<ulong>();
        foreach (var root in heap.EnumerateRoots())
        {
            if (root.Object.Address != 0 && seen.Add(root.Object.Address))
            {
                work.Push(root.Object.Address);
            }
        }

        while (work.Count > 0)
        {
            var obj = heap.GetObject(work.Pop());
            if (!obj.IsValid)
            {
                continue;
            }

            foreach (var reference in obj.EnumerateReferenceAddresses(carefully: false, considerDependantHandles: true))
            {
                if (reference != 0 && seen.Add(reference))
                {
                    parents?.Add(reference, obj.Address);
                    work.Push(reference);
                }
            }
        }

        return seen;
    }

    private static void PrintSummary(ClrHeap heap, ProcessMemory? memory, long liveBytes, long deadBytes, long freeBytes, Arguments arguments)
    {
        long committed = 0;
        var byKind = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var segment in heap.Segments)
        {
            var length = (long)segment.CommittedMemory.Length;
            committed += length;
            var kind = segment.Kind.ToString();
            byKind[kind] = byKind.GetValueOrDefault(kind) + length;
        }

        var per = arguments.Per;
        string Line(string what, long bytes) => per is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"{what,-44} {Mib(bytes),10} MiB   {bytes / 1024.0 / n,8:0.00} KiB per {n}")
            : string.Create(CultureInfo.InvariantCulture, $"{what,-44} {Mib(bytes),10} MiB");

        Console.WriteLine(heap.IsServer ? "Server GC" : "Workstation GC");
        if (memory is { } m)
        {
            Console.WriteLine(Line("Resident memory (VmRSS)", m.Rss));
            Console.WriteLine(Line("  anonymous (RssAnon)", m.RssAnon));
            Console.WriteLine(Line("  files mapped (RssFile + RssShmem)", m.RssFile));
        }

        Console.WriteLine(Line("Managed heap committed", committed));
        foreach (var (kind, bytes) in byKind)
        {
            Console.WriteLine(Line("  " + kind, bytes));
        }

        Console.WriteLine(Line(arguments.All ? "Objects (all)" : "Objects reachable", liveBytes));
        if (!arguments.All)
        {
            Console.WriteLine(Line("Objects unreachable (freed by the next GC)", deadBytes));
        }

        Console.WriteLine(Line("Free space between objects", freeBytes));
        if (memory is { } mm)
        {
            Console.WriteLine(Line("Anonymous memory outside the managed heap", mm.RssAnon - committed));
        }

        Console.WriteLine();
    }

    private static void PrintRows(Dictionary<string, Row> rows, Arguments arguments, bool difference)
    {
        var per = arguments.Per;
        var header = difference ? "Change since the baseline" : "Type";
        Console.WriteLine(per is { } n
            ? $"{"Count",12} {"Bytes",14} {"Count/" + n,10} {"Bytes/" + n,10}  {header}"
            : $"{"Count",12} {"Bytes",14}  {header}");
        var shown = rows.Where(r => r.Value.Count != 0 || r.Value.Bytes != 0)
            .OrderByDescending(r => Math.Abs(r.Value.Bytes)).Take(arguments.Top).ToList();
        foreach (var (name, row) in shown)
        {
            Console.WriteLine(per is { } p
                ? string.Create(CultureInfo.InvariantCulture, $"{row.Count,12:N0} {row.Bytes,14:N0} {row.Count / (double)p,10:0.00} {row.Bytes / (double)p,10:0.0}  {name}")
                : string.Create(CultureInfo.InvariantCulture, $"{row.Count,12:N0} {row.Bytes,14:N0}  {name}"));
        }

        var count = rows.Values.Sum(r => r.Count);
        var bytes = rows.Values.Sum(r => r.Bytes);
        Console.WriteLine(per is { } q
            ? string.Create(CultureInfo.InvariantCulture, $"{count,12:N0} {bytes,14:N0} {count / (double)q,10:0.00} {bytes / (double)q,10:0.0}  (all {rows.Count} types)")
            : string.Create(CultureInfo.InvariantCulture, $"{count,12:N0} {bytes,14:N0}  (all {rows.Count} types)"));
    }

    /// <summary>
    /// For the objects of one type: the types that hold them (the first referrer found from the roots, with the one
    /// above it), their sizes, and for strings their most frequent values.
    /// </summary>
    private static void PrintHolders(ClrHeap heap, List<ClrObject> objects, Dictionary<ulong, ulong> parents, Arguments arguments)
    {
        string TypeAt(ulong address) => address == 0 ? "<root>" : heap.GetObjectType(address)?.Name ?? "<unknown>";
        var byHolder = objects
            .GroupBy(o =>
            {
                var parent = parents.GetValueOrDefault(o.Address);
                var grandparent = parent == 0 ? 0 : parents.GetValueOrDefault(parent);
                return TypeAt(parent) + "  <-  " + TypeAt(grandparent);
            }, StringComparer.Ordinal)
            .Select(g => (Holder: g.Key, Count: g.Count(), Bytes: g.Sum(o => (long)o.Size)))
            .OrderByDescending(g => g.Bytes).Take(arguments.Top);
        Console.WriteLine();
        Console.WriteLine($"{arguments.HeldBy}, by holder (holder <- its holder):");
        foreach (var (holder, count, bytes) in byHolder)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count,12:N0} {bytes,14:N0}  {holder}"));
        }

        Console.WriteLine();
        Console.WriteLine($"{arguments.HeldBy}, by size:");
        foreach (var g in objects.GroupBy(o => o.Size).OrderByDescending(g => g.Count() * (long)g.Key).Take(15))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{g.Count(),12:N0} x {g.Key,8:N0} bytes"));
        }

        if (objects.Count > 0 && objects[0].Type?.IsString == true)
        {
            Console.WriteLine();
            Console.WriteLine("Most frequent values (the station-specific part varies):");
            foreach (var g in objects.Select(o => Shape(o.AsString(200) ?? "")).GroupBy(v => v, StringComparer.Ordinal).OrderByDescending(g => g.Count()).Take(arguments.Top))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{g.Count(),12:N0}  {g.Key}"));
            }
        }
    }

    /// <summary>A string with its digits replaced, so that values that differ only by a number group together.</summary>
    private static string Shape(string value)
    {
        var chars = value.Length > 80 ? value[..80].ToCharArray() : value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsAsciiDigit(chars[i]))
            {
                chars[i] = '#';
            }
            else if (char.IsControl(chars[i]))
            {
                chars[i] = '.';
            }
        }

        return new string(chars);
    }

    private static Dictionary<string, Row> Difference(Dictionary<string, Row> now, Dictionary<string, Row> before)
    {
        var result = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (var name in now.Keys.Union(before.Keys))
        {
            var a = now.GetValueOrDefault(name);
            var b = before.GetValueOrDefault(name);
            result[name] = new Row(a.Count - b.Count, a.Bytes - b.Bytes);
        }

        return result;
    }

    private static Dictionary<string, Row> Load(string file)
    {
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(file))
        {
            var parts = line.Split('\t');
            if (parts.Length == 3)
            {
                rows[parts[0]] = new Row(long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
            }
        }

        return rows;
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

    private readonly record struct Row(long Count, long Bytes);
}

/// <summary>The process's resident memory from /proc/PID/status, in bytes.</summary>
internal sealed record ProcessMemory(long Rss, long RssAnon, long RssFile)
{
    public static ProcessMemory? Read(int pid)
    {
        long rss = 0, anon = 0, file = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                var parts = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 2)
                {
                    continue;
                }

                var kib = long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value * 1024 : 0;
                switch (parts[0])
                {
                    case "VmRSS:":
                        rss = kib;
                        break;
                    case "RssAnon:":
                        anon = kib;
                        break;
                    case "RssFile:":
                    case "RssShmem:":
                        file += kib;
                        break;
                }
            }
        }
        catch (IOException)
        {
            return null;
        }

        return new ProcessMemory(rss, anon, file);
    }
}

/// <summary>The command line.</summary>
internal sealed class Arguments
{
    public int? Pid { get; private set; }

    public string? DumpFile { get; private set; }

    public int? Per { get; private set; }

    public int Top { get; private set; } = 40;

    public bool All { get; private set; }

    public bool Keep { get; private set; }

    public string? Save { get; private set; }

    public string? Baseline { get; private set; }

    public string? HeldBy { get; private set; }

    public bool Dead { get; private set; }

    public static Arguments Parse(string[] args)
    {
        var result = new Arguments();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.TryParse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{args[i - 1]} needs a positive number.");
            switch (args[i])
            {
                case "--dump":
                    result.DumpFile = Next();
                    break;
                case "--per":
                    result.Per = Number();
                    break;
                case "--top":
                    result.Top = Number();
                    break;
                case "--all":
                    result.All = true;
                    break;
                case "--dead":
                    result.Dead = true;
                    break;
                case "--keep":
                    result.Keep = true;
                    break;
                case "--save":
                    result.Save = Next();
                    break;
                case "--baseline":
                    result.Baseline = Next();
                    break;
                case "--held-by":
                    result.HeldBy = Next();
                    break;
                default:
                    result.Pid = int.TryParse(args[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) && pid > 0
                        ? pid
                        : throw new ArgumentException($"Unknown argument '{args[i]}'.");
                    break;
            }
        }

        if (result.Dead && result.All)
        {
            throw new ArgumentException("--dead and --all exclude each other.");
        }

        if (result.Pid is null == (result.DumpFile is null))
        {
            throw new ArgumentException("Give either a process id or --dump FILE.");
        }

        return result;
    }
}
