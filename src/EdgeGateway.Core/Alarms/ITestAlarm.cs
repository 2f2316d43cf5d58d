namespace EdgeGateway.Core.Alarms;

/// <summary>Raises a test alarm (SCAIP test transmission) that travels the whole path like a real one; the host implements it over the alarm loop and the uplink.</summary>
public interface ITestAlarm
{
    /// <summary>Raises one test alarm as <paramref name="request"/> says, until <paramref name="cancellationToken"/> fires.</summary>
    Task<TestAlarmResult> SendAsync(TestAlarmRequest request, CancellationToken cancellationToken);
}
