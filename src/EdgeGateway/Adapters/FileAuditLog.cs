using System.Text.Json.Nodes;
using EdgeGateway.Configuration;
using EdgeGateway.TechnicianConsole.Services;

namespace EdgeGateway.Adapters;

/// <summary>An append-only audit log file, one JSON object a line, fsynced per entry.</summary>
public sealed class FileAuditLog(string path) : IAuditLog
{
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public void Record(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var line = new JsonObject
        {
            ["time"] = entry.Time,
            ["actor"] = entry.Actor,
            ["action"] = entry.Action,
            ["detail"] = entry.Detail,
        }.ToJsonString() + "\n";
        lock (_lock)
        {
            AtomicFile.Append(path, line);
        }
    }
}
