namespace EdgeGateway.Core.Alarms;

/// <summary>One test alarm to raise: who asks, their message, and whether to wait for the centre's acknowledgement.</summary>
/// <param name="By">Who asks (the technician console, or the centre's operator).</param>
/// <param name="Message">The operator's message, if any.</param>
/// <param name="AwaitCentreAck">True to complete only when the centre has acknowledged it (the console's end-to-end check); false to complete once the alarm loop has raised it.</param>
public sealed record TestAlarmRequest(string By, string? Message = null, bool AwaitCentreAck = false);
