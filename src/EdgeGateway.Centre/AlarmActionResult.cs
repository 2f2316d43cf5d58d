using EdgeGateway.Centre.Archive;

namespace EdgeGateway.Centre;

/// <summary>The result of a take or clear.</summary>
/// <param name="Alarm">The alarm as it now is.</param>
/// <param name="Command">The command sent to the gateway (null for the centre's own supervision alarms).</param>
public sealed record AlarmActionResult(AlarmRecord Alarm, CommandOutcome? Command);
