using EdgeGateway.Centre.Archive;

namespace EdgeGateway.Centre;

/// <summary>One change the page should show: an alarm or a gateway as it now is.</summary>
/// <param name="Kind"><c>alarm</c>, <c>gateway</c>, <c>escalation</c> or <c>rollout</c> (no alarm, no gateway: read api/rollout again).</param>
/// <param name="Alarm">The alarm, for alarm and escalation changes.</param>
/// <param name="Gateway">The gateway, for gateway changes.</param>
public sealed record CentreChange(string Kind, AlarmRecord? Alarm, GatewayRecord? Gateway);
