namespace EdgeGateway.Centre;

/// <summary>The result of a test alarm through the whole chain.</summary>
/// <param name="Command">The alarm.test command.</param>
/// <param name="Event">The test alarm's event id, from the reply.</param>
/// <param name="RoundTrip">From sending the command to storing the test alarm's event, when it arrived in time.</param>
public sealed record TestRoundTrip(CommandOutcome Command, Guid? Event, TimeSpan? RoundTrip);
