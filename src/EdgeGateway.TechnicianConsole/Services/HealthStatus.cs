namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>The health of one part of the gateway as the status command shows it.</summary>
/// <param name="Name">The part, e.g. "4G modem".</param>
/// <param name="Ok">False when the part needs the technician.</param>
/// <param name="Detail">What was found, e.g. "registered (home) on Telia, signal 67 %, LTE RSRP -95 dBm".</param>
public sealed record HealthStatus(string Name, bool Ok, string Detail);
