namespace EdgeGateway.Centre.Archive;

/// <summary>An operator action, recorded under the operator's name.</summary>
/// <param name="At">When.</param>
/// <param name="Operator">Who.</param>
/// <param name="Action">take, clear, test, note, callback, help, arrived.</param>
/// <param name="Gateway">The gateway concerned.</param>
/// <param name="Alarm">The alarm concerned.</param>
/// <param name="Command">The command id sent to the gateway, if any.</param>
/// <param name="Outcome">ok, error code, or no_reply.</param>
/// <param name="Detail">The gateway's reply (JSON) or the reason.</param>
public sealed record OperatorAction(DateTimeOffset At, string Operator, string Action, string? Gateway, Guid? Alarm, string? Command, string Outcome, string? Detail);
