using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.TestSupport;

/// <summary>Keeps what was logged, so a test can check what a technician would read in the journal.</summary>
public sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<LogEntry> _records = new();
    private readonly string _category;
    private readonly Action<LogEntry>? _forward;

    /// <summary>A stand-alone logger for a test that reads back what one part logged.</summary>
    public RecordingLogger()
        : this("test", null)
    {
    }

    /// <summary>A logger of <paramref name="category"/> that also hands each entry to <paramref name="forward"/> (a <see cref="StrictLogs"/>).</summary>
    public RecordingLogger(string category, Action<LogEntry>? forward)
    {
        _category = category;
        _forward = forward;
    }

    /// <summary>Every entry so far, oldest first: level, formatted message and exception.</summary>
    public IReadOnlyCollection<(LogLevel Level, string Message, Exception? Exception)> Entries =>
        [.. _records.Select(r => (r.Level, r.Message, r.Exception))];

    /// <summary>Every entry so far, oldest first, with its category and event id.</summary>
    public IReadOnlyCollection<LogEntry> Records => _records;

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var entry = new LogEntry(_category, logLevel, eventId, formatter(state, exception), exception);
        _records.Enqueue(entry);
        _forward?.Invoke(entry);
    }
}
