namespace EdgeGateway.Core.Alarms;

/// <summary>One test alarm to raise: who asks, their message, and whether to wait for the centre's acknowledgement.</summary>
/// <param name="By">Who asks (the technician console, or the centre's operator).</param>
/// <param name="Message">The operator's message, if any.</param>
/// <param name="AwaitCentreAck">True to complete only when the centre has acknowledged it (the console's end-to-end check); false to complete once the alarm loop has raised it.</param>
public sealed record TestAlarmRequest(string By, string? Message = null, bool AwaitCentreAck = false);

/// <summary>The outcome of a test alarm.</summary>
/// <param name="EventId">The id of the test alarm's event, once the alarm loop has raised it.</param>
/// <param name="Acknowledged">True when the centre acknowledged it (only asked for with <see cref="TestAlarmRequest.AwaitCentreAck"/>).</param>
/// <param name="RoundTrip">Time from sending to the centre's acknowledgement.</param>
/// <param name="FailureReason">Why it failed, for the operator; null when it went as far as asked.</param>
public sealed record TestAlarmResult(Guid? EventId, bool Acknowledged, TimeSpan RoundTrip, string? FailureReason)
{
    /// <summary>True when it went as far as asked.</summary>
    public bool Ok => FailureReason is null;

    /// <summary>A test alarm the alarm loop has raised (not waiting for the centre).</summary>
    public static TestAlarmResult Raised(Guid eventId) => new(eventId, false, TimeSpan.Zero, null);

    /// <summary>A test alarm the centre acknowledged after <paramref name="roundTrip"/>.</summary>
    public static TestAlarmResult Delivered(Guid eventId, TimeSpan roundTrip) => new(eventId, true, roundTrip, null);

    /// <summary>A test alarm that did not get as far as asked.</summary>
    public static TestAlarmResult Failed(string reason, Guid? eventId = null) => new(eventId, false, TimeSpan.Zero, reason);
}

/// <summary>Raises a test alarm (SCAIP test transmission) that travels the whole path like a real one; the host implements it over the alarm loop and the uplink.</summary>
public interface ITestAlarm
{
    /// <summary>Raises one test alarm as <paramref name="request"/> says, until <paramref name="cancellationToken"/> fires.</summary>
    Task<TestAlarmResult> SendAsync(TestAlarmRequest request, CancellationToken cancellationToken);
}
