namespace EdgeGateway.Centre;

/// <summary>One line of an alarm's timeline: raised, delivered, taken, callback, note, help, arrived or cleared.</summary>
/// <param name="Kind">raised, delivered, taken, callback, note, help, arrived, cleared.</param>
/// <param name="At">When (raised: the home's clock; the others: the centre's).</param>
/// <param name="Operator">Who (null for raised and delivered, and for a clear at the gateway).</param>
/// <param name="Outcome">A call-back's outcome, else null.</param>
/// <param name="Text">The note, who is on the way, what the nurse wrote, or the clear's reason; else null.</param>
public sealed record TimelineEntry(string Kind, DateTimeOffset At, string? Operator, string? Outcome, string? Text);
