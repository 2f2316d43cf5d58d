namespace EdgeGateway.Centre.Archive;

/// <summary>A step a nurse documented on an alarm: a call-back, help on the way, or arrival at the home (<see cref="AlarmStepKinds"/>).</summary>
/// <param name="Alarm">The alarm.</param>
/// <param name="At">When (the centre's clock).</param>
/// <param name="Operator">Who documented it.</param>
/// <param name="Kind">One of <see cref="AlarmStepKinds"/>.</param>
/// <param name="Outcome">A call-back's outcome (<see cref="AlarmStepKinds.CallbackOutcomes"/>); null for the other kinds.</param>
/// <param name="Text">What the nurse wrote (for help on the way: who is going), or null.</param>
public sealed record AlarmStep(Guid Alarm, DateTimeOffset At, string Operator, string Kind, string? Outcome, string? Text);
