using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ohm.Csms.Tests.Support;

/// <summary>One log entry a host wrote.</summary>
public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : Environment.NewLine + Exception)}";
}

/// <summary>
/// Records what a host logs, so that a test fails on an Error or Critical it did not expect: an error that only a log
/// shows is a bug the test would otherwise miss.
/// </summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly ConcurrentBag<Func<LogEntry, bool>> _expected = [];

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    /// <summary>Declares errors the test provokes on purpose; they do not fail it.</summary>
    public void ExpectErrors(Func<LogEntry, bool> match) => _expected.Add(match);

    /// <summary>The Error and Critical entries that no <see cref="ExpectErrors"/> matches.</summary>
    public IReadOnlyList<LogEntry> UnexpectedErrors() =>
        [.. _entries.Where(e => e.Level >= LogLevel.Error && !_expected.Any(match => match(e)))];

    /// <summary>Fails with every unexpected error, and with any task exception that went unobserved meanwhile.</summary>
    public void AssertClean()
    {
        var unobserved = UnobservedTaskExceptions.Collect();
        var errors = UnexpectedErrors();
        if (errors.Count > 0 || unobserved.Count > 0)
        {
            Assert.Fail(
                "The host logged errors the test did not expect, or a task exception went unobserved:" + Environment.NewLine
                + string.Join(Environment.NewLine, errors.Select(e => e.ToString()).Concat(unobserved.Select(e => "Unobserved task exception: " + e))));
        }
    }

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
    }
}

/// <summary>
/// Task exceptions nobody observed, process-wide. The test that collects them fails, whichever test leaked them: the
/// run fails either way, which is the point.
/// </summary>
public static class UnobservedTaskExceptions
{
    private static readonly ConcurrentQueue<Exception> Seen = new();
    private static int _subscribed;

    public static void Watch()
    {
        if (Interlocked.Exchange(ref _subscribed, 1) == 0)
        {
            TaskScheduler.UnobservedTaskException += (_, e) =>
            {
                Seen.Enqueue(e.Exception);
                e.SetObserved();
            };
        }
    }

    /// <summary>Surfaces the exceptions of collected tasks and returns (and forgets) what was seen.</summary>
    public static IReadOnlyList<Exception> Collect()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        var list = new List<Exception>();
        while (Seen.TryDequeue(out var exception))
        {
            list.Add(exception);
        }

        return list;
    }
}
