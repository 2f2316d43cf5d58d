namespace EdgeGateway.Centre.Archive;

/// <summary>A note on an alarm.</summary>
/// <param name="Alarm">The alarm.</param>
/// <param name="At">When.</param>
/// <param name="Operator">Who wrote it.</param>
/// <param name="Text">What.</param>
public sealed record AlarmNote(Guid Alarm, DateTimeOffset At, string Operator, string Text);
