namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>One alarm as the <c>alarm list</c> command shows it.</summary>
/// <param name="Id">The alarm id the technician types for <c>alarm reset</c>.</param>
/// <param name="Description">What raised it, e.g. "night exit front-door".</param>
/// <param name="State">Its lifecycle state: "raised", "delivered" (the centre has it) or "taken" (a person took it on).</param>
/// <param name="RaisedAt">When it was raised.</param>
public sealed record AlarmSummary(string Id, string Description, string State, DateTimeOffset RaisedAt);
