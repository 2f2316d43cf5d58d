using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>The home's sensors by id, so rule options can be checked for references to sensors that do not exist.</summary>
public sealed class SensorCatalog
{
    private readonly Dictionary<string, SensorKind> _sensors = new(StringComparer.Ordinal);

    /// <summary>Creates a catalog from id/kind pairs (duplicates: the last wins; <see cref="HomeRulesConfig"/> reports them).</summary>
    public SensorCatalog(IEnumerable<KeyValuePair<string, SensorKind>> sensors)
    {
        ArgumentNullException.ThrowIfNull(sensors);
        foreach (var (id, kind) in sensors)
        {
            _sensors[id] = kind;
        }
    }

    /// <summary>The kind of sensor <paramref name="id"/>, if it exists.</summary>
    public bool TryGetKind(string id, out SensorKind kind) => _sensors.TryGetValue(id, out kind);
}
