using System.Collections.Concurrent;

namespace Ohm.Station.Tests.Support;

/// <summary>
/// Records the task exceptions nobody observed. The event is process-wide and test classes run in parallel, so an
/// exception is recorded globally and fails the first harness that looks after it surfaced: the run fails, and the
/// failing test is one that ran at the time, which is enough to go looking.
/// </summary>
public static class UnobservedTaskExceptions
{
    private static readonly ConcurrentQueue<Exception> Seen = new();

    static UnobservedTaskExceptions() => TaskScheduler.UnobservedTaskException += (_, e) =>
    {
        Seen.Enqueue(e.Exception);
        e.SetObserved();
    };

    /// <summary>Subscribes (once); call before the work that may leave a task unobserved.</summary>
    public static void Watch()
    {
    }

    /// <summary>Collects garbage so that unobserved faulted tasks are finalized, and returns (and forgets) what surfaced.</summary>
    public static List<Exception> Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var found = new List<Exception>();
        while (Seen.TryDequeue(out var ex))
        {
            found.Add(ex);
        }

        return found;
    }

    /// <summary>Fails when an unobserved task exception surfaced.</summary>
    public static void AssertNone()
    {
        var found = Collect();
        if (found.Count > 0)
        {
            Assert.Fail($"{found.Count} unobserved task exception(s):" + Environment.NewLine + string.Join(Environment.NewLine, found));
        }
    }
}
