using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ohm.Csms.Tests.Support;

/// <summary>One log entry a host or a station wrote.</summary>
public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception)
{
    /// <summary>The entry's structured fields (a message template's named values), empty when it has none.</summary>
    public IReadOnlyDictionary<string, object?> Fields { get; init; } = new Dictionary<string, object?>();

    /// <summary>A field's value as text, or null when the entry has no such field.</summary>
    public string? Field(string name) => Fields.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : Environment.NewLine + Exception)}";
}

/// <summary>
/// Records what a host or a station logs, so that a test fails on an Error or Critical it did not expect: an error
/// that only a log shows is a bug the test would otherwise miss. It is both a logger provider (for a host's logging
/// builder) and a logger factory (for a station); the station tests link this file.
/// </summary>
public sealed class LogRecorder : ILoggerProvider, ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly ConcurrentQueue<Func<LogEntry, bool>> _expected = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    /// <summary>Declares errors the test provokes on purpose; they do not fail it.</summary>
    public void ExpectError(Func<LogEntry, bool> match) => _expected.Enqueue(match);

    /// <summary>Declares that errors whose message, category or exception contains <paramref name="fragment"/> are part of the test.</summary>
    public void ExpectError(string fragment) => ExpectError(e =>
        e.Message.Contains(fragment, StringComparison.OrdinalIgnoreCase)
        || e.Category.Contains(fragment, StringComparison.OrdinalIgnoreCase)
        || (e.Exception?.ToString().Contains(fragment, StringComparison.OrdinalIgnoreCase) ?? false));

    /// <summary>The Error and Critical entries that no <see cref="ExpectError(Func{LogEntry, bool})"/> matches.</summary>
    public IReadOnlyList<LogEntry> UnexpectedErrors() =>
        [.. _entries.Where(e => e.Level >= LogLevel.Error && !_expected.Any(match => match(e)))];

    /// <summary>Fails when an Error or Critical was logged that the test did not expect.</summary>
    public void AssertNoUnexpectedErrors() => Fail(UnexpectedErrors(), []);

    /// <summary>Fails with every unexpected error, and with any task exception that went unobserved meanwhile.</summary>
    public void AssertClean() => Fail(UnexpectedErrors(), UnobservedTaskExceptions.Collect());

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    /// <summary>Nothing to add: this factory records, it forwards nowhere.</summary>
    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private static void Fail(IReadOnlyList<LogEntry> errors, IReadOnlyList<Exception> unobserved)
    {
        if (errors.Count > 0 || unobserved.Count > 0)
        {
            Assert.Fail(
                "The host logged errors the test did not expect, or a task exception went unobserved:" + Environment.NewLine
                + string.Join(Environment.NewLine, errors.Select(e => e.ToString()).Concat(unobserved.Select(e => "Unobserved task exception: " + e))));
        }
    }

    private sealed class Recorder(LogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception)
            {
                Fields = state is IEnumerable<KeyValuePair<string, object?>> fields
                    ? fields.GroupBy(f => f.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal)
                    : new Dictionary<string, object?>(),
            });
    }
}
