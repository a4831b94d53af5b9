using Ohm.Ocpp.Generator;

// Usage: dotnet run --project src/Ohm.Ocpp.Generator [-- <repository root>]
// Regenerates src/Ohm.Ocpp/Messages from schemas/ocpp2.0.1, removing files that no schema produces any more.
var root = args.Length > 0 ? args[0] : RepositoryRoot.Find(Directory.GetCurrentDirectory());
var output = Path.Combine(root, "src", "Ohm.Ocpp", "Messages");
var files = MessageGenerator.Generate(Path.Combine(root, "schemas", "ocpp2.0.1"));
var written = 0;
foreach (var (relative, content) in files)
{
    var path = Path.Combine(output, relative);
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    if (!File.Exists(path) || File.ReadAllText(path) != content)
    {
        File.WriteAllText(path, content);
        written++;
    }
}

var stale = Directory.Exists(output)
    ? Directory.GetFiles(output, "*.cs", SearchOption.AllDirectories)
        .Where(f => !files.ContainsKey(Path.GetRelativePath(output, f).Replace('\\', '/')))
        .ToList()
    : [];
foreach (var file in stale)
{
    File.Delete(file);
}

Console.WriteLine($"{files.Count} files in {output}: {written} written, {stale.Count} removed.");
