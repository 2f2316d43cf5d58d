using Microsoft.Extensions.Logging;

namespace EdgeGateway.TestSupport;

/// <summary>One logged line as a technician would read it in the journal, with the category and event id that identify where it came from.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)
{
    /// <summary>Error or Critical: what a test must either expect up front or treat as a failure.</summary>
    public bool IsError => Level >= LogLevel.Error && Level != LogLevel.None;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Level} {Category}[{EventId.Id}]: {Message}" + (Exception is null ? "" : $" ({Exception.GetType().Name}: {Exception.Message})");
}
