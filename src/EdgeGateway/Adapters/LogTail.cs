using System.Collections.Concurrent;
using System.Globalization;
using EdgeGateway.TechnicianConsole.Services;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Adapters;

/// <summary>Keeps the last log lines in memory for the console's <c>log</c> command.</summary>
internal sealed class LogTail : ILoggerProvider, ILogTail
{
    private const int Capacity = 500;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TimeProvider _time;

    public LogTail(TimeProvider time) => _time = time;

    public IReadOnlyList<string> Recent(int count) => [.. _lines.TakeLast(Math.Max(0, count))];

    public ILogger CreateLogger(string categoryName) => new TailLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Capacity && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class TailLogger(LogTail tail, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                tail.Add(string.Create(CultureInfo.InvariantCulture, $"{tail._time.GetUtcNow():HH:mm:ss} {logLevel.ToString()[..4].ToLowerInvariant()} {category}[{eventId.Id}] {formatter(state, exception)}"));
            }
        }
    }
}
