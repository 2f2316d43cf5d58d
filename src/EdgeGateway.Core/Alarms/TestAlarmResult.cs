namespace EdgeGateway.Core.Alarms;

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
