using EdgeGateway.Core.Alarms;

namespace EdgeGateway.TestSupport;

/// <summary>
/// The gateway's test alarm for the console's and the uplink's tests: records every request and answers as the alarm loop
/// does, <see cref="TestAlarmResult.Raised"/> for a centre's command and <see cref="TestAlarmResult.Delivered"/> (in 312 ms)
/// when the technician's console waits for the centre's acknowledgement.
/// </summary>
public sealed class FakeTestAlarm : ITestAlarm
{
    /// <summary>The round trip a delivered test alarm reports unless <see cref="Behaviour"/> says otherwise.</summary>
    public static readonly TimeSpan RoundTrip = TimeSpan.FromMilliseconds(312);

    /// <summary>When set, answers instead of the default (a failure, a throw, a wait on the token).</summary>
    public Func<CancellationToken, Task<TestAlarmResult>>? Behaviour { get; set; }

    /// <summary>Every request, in order.</summary>
    public List<TestAlarmRequest> Requests { get; } = [];

    /// <summary>Every request with the event id the default answer carries.</summary>
    public List<(string By, string? Message, Guid Id)> Sent { get; } = [];

    /// <summary>When set, a test alarm waits for it: holds the one command worker while a test queues others behind it.</summary>
    public ManualResetEventSlim? Hold { get; set; }

    /// <inheritdoc />
    public Task<TestAlarmResult> SendAsync(TestAlarmRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var eventId = Guid.CreateVersion7();
        Requests.Add(request);
        Sent.Add((request.By, request.Message, eventId));
        Hold?.Wait(TimeSpan.FromSeconds(30), cancellationToken);
        return Behaviour?.Invoke(cancellationToken)
            ?? Task.FromResult(request.AwaitCentreAck ? TestAlarmResult.Delivered(eventId, RoundTrip) : TestAlarmResult.Raised(eventId));
    }
}
