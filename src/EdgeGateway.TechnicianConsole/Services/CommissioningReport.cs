using System.Globalization;
using EdgeGateway.Core.Alarms;

namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>What a technician verified before leaving a home: every sensor's walk-test (or none) and the test alarm.</summary>
/// <param name="Technician">Who commissioned the home (the console's actor).</param>
/// <param name="Sensors">Every configured sensor, in the console's order.</param>
/// <param name="WalkTests">The last walk-test of each sensor tested, by sensor id.</param>
/// <param name="TestAlarm">The last test alarm's outcome; null when none was sent.</param>
public sealed record CommissioningReport(
    string Technician,
    IReadOnlyList<string> Sensors,
    IReadOnlyDictionary<string, WalkTestResult> WalkTests,
    TestAlarmResult? TestAlarm)
{
    /// <summary>The sensors that passed their walk-test.</summary>
    public int Passed => Sensors.Count(s => WalkTests.TryGetValue(s, out var w) && w.Passed);

    /// <summary>One line for the nurse and the technician.</summary>
    public string Summary =>
        string.Create(CultureInfo.InvariantCulture, $"commissioning finished by {Technician}: {Passed} of {Sensors.Count} sensors walk-tested ok, ") +
        (TestAlarm switch
        {
            null => "no test alarm sent",
            { Ok: true, Acknowledged: true } t => string.Create(CultureInfo.InvariantCulture, $"test alarm received by the centre in {t.RoundTrip.TotalMilliseconds:0} ms"),
            { } t => $"test alarm failed: {t.FailureReason}",
        });

    /// <summary>
    /// The commissioning event's data (string-valued facts): <c>technician</c>; <c>walktest.SENSOR</c> = pass, fail: why,
    /// or not tested; <c>walktests_passed</c> = "N/M"; <c>testalarm</c> = pass, fail: why, or not sent; and on a pass
    /// <c>testalarm_roundtrip_ms</c>.
    /// </summary>
    public Dictionary<string, string> ToEventData()
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal) { ["technician"] = Technician };
        foreach (var sensor in Sensors)
        {
            data[$"walktest.{sensor}"] = WalkTests.TryGetValue(sensor, out var w) ? (w.Passed ? "pass" : $"fail: {w.Detail}") : "not tested";
        }

        data["walktests_passed"] = string.Create(CultureInfo.InvariantCulture, $"{Passed}/{Sensors.Count}");
        data["testalarm"] = TestAlarm switch
        {
            null => "not sent",
            { Ok: true, Acknowledged: true } => "pass",
            { } t => $"fail: {t.FailureReason}",
        };
        if (TestAlarm is { Ok: true, Acknowledged: true } passed)
        {
            data["testalarm_roundtrip_ms"] = passed.RoundTrip.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
            if (passed.EventId is { } id)
            {
                data["testalarm_event"] = id.ToString();
            }
        }

        return data;
    }
}
