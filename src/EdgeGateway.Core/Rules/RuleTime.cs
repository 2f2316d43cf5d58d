using EdgeGateway.Core.Time;

namespace EdgeGateway.Core.Rules;

/// <summary>Helpers the rules share.</summary>
internal static class RuleTime
{
    /// <summary>
    /// True when <paramref name="time"/> is inside <paramref name="window"/>. An unsynchronised clock (1970 after a dead RTC)
    /// counts as inside: a missed night exit or inactivity can cost a life, a false one only costs a call.
    /// </summary>
    public static bool InsideOrUnknown(NightWindow window, EventTime time) =>
        !time.ClockSynchronised || window.Contains(time.Wall);
}
