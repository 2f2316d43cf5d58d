using System.Text.Json;
using EdgeGateway.Centre.Archive;

namespace EdgeGateway.Centre.Rollouts;

/// <summary>The fleet as the archive knows it: every gateway, its zone (the resident record's plain column: no unsealing) and its running release.</summary>
public static class RolloutFleet
{
    /// <summary>Every gateway with its zone and the version its last heartbeat named, by id.</summary>
    public static async Task<IReadOnlyList<FleetHome>> ReadAsync(IArchive archive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var zones = (await archive.ResidentsAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.Gateway, r => r.Zone, StringComparer.Ordinal);
        var gateways = await archive.GatewaysAsync(cancellationToken).ConfigureAwait(false);
        return [.. gateways.OrderBy(g => g.Id, StringComparer.Ordinal).Select(g => new FleetHome(g.Id, zones.GetValueOrDefault(g.Id), VersionOf(g.Heartbeat)))];
    }

    /// <summary>The release a heartbeat says runs (<c>states.version</c>), or null when it says none or cannot be read.</summary>
    public static string? VersionOf(string? heartbeat)
    {
        if (heartbeat is null)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(heartbeat);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("states", out var states) && states.ValueKind == JsonValueKind.Object
                && states.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
