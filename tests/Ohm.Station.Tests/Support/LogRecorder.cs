using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ohm.Station.Tests.Support;

/// <summary>One log entry a station wrote.</summary>
public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception)
{
    public override string ToString() => $"[{Level}] {Category}: {Message}{(Exception is null ? "" : Environment.NewLine + Exception)}";
}

/// <summary>
/// A logger factory that records every entry, so that a test fails on an Error or Critical it did not expect: an error
/// that only reaches a log would otherwise pass unnoticed.
/// </summary>
public sealed class LogRecorder : ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly ConcurrentQueue<Func<LogEntry, bool>> _expected = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    /// <summary>Declares that errors matching <paramref name="predicate"/> are part of the test.</summary>
    public void ExpectError(Func<LogEntry, bool> predicate) => _expected.Enqueue(predicate);

    /// <summary>Declares that errors whose message or exception contains <paramref name="fragment"/> are part of the test.</summary>
    public void ExpectError(string fragment) => ExpectError(e =>
        e.Message.Contains(fragment, StringComparison.OrdinalIgnoreCase)
        || e.Category.Contains(fragment, StringComparison.OrdinalIgnoreCase)
        || (e.Exception?.ToString().Contains(fragment, StringComparison.OrdinalIgnoreCase) ?? false));

    /// <summary>The Error and Critical entries no expectation covers.</summary>
    public List<LogEntry> UnexpectedErrors() =>
        _entries.Where(e => e.Level >= LogLevel.Error && !_expected.Any(p => p(e))).ToList();

    /// <summary>Fails when an Error or Critical was logged that the test did not expect.</summary>
    public void AssertNoUnexpectedErrors()
    {
        var unexpected = UnexpectedErrors();
        if (unexpected.Count > 0)
        {
            Assert.Fail("Unexpected error log(s):" + Environment.NewLine + string.Join(Environment.NewLine, unexpected));
        }
    }

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
    }
}
