namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>An audit record: who did what, when.</summary>
/// <param name="Time">When it happened.</param>
/// <param name="Actor">Who: e.g. "technician@console".</param>
/// <param name="Action">What, as a stable word: login-ok, login-failed, logout, timeout, config-apply, alarm-reset…</param>
/// <param name="Detail">The particulars (a diff, an alarm id, a reason).</param>
public sealed record AuditEntry(DateTimeOffset Time, string Actor, string Action, string Detail);
