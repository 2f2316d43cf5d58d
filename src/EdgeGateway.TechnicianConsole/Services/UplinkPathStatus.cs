namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>The state of one uplink path (fixed, mobile) as the status command shows it.</summary>
/// <param name="Name">The path's name, e.g. "primary (fibre)".</param>
/// <param name="Up">True when the path is connected and supervised.</param>
/// <param name="Detail">A short explanation, e.g. "connected 3 h" or "broker refused: not authorised".</param>
public sealed record UplinkPathStatus(string Name, bool Up, string Detail);
