using EdgeGateway.Core.Events;

namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>A sensor the gateway knows, with its last value.</summary>
/// <param name="SensorId">The configured sensor id.</param>
/// <param name="Kind">The kind of sensor.</param>
/// <param name="Description">Where it is, e.g. "front door, BCM 17".</param>
/// <param name="Last">The last value; null when none has been read yet (a fault worth showing).</param>
public sealed record SensorInfo(string SensorId, SensorKind Kind, string Description, SensorValue? Last);
