using EdgeGateway.Core.Time;

namespace EdgeGateway.Core.Rules;

/// <summary>A fall detection handed to the loop by a detector (worn or fixed accelerometer, or any other source).</summary>
/// <param name="SensorId">The detecting sensor.</param>
/// <param name="Confidence">The detector's confidence, 0–1.</param>
/// <param name="Features">What the detector saw (peak g, stillness), passed on in the event.</param>
/// <param name="Time">When it was detected.</param>
public readonly record struct FallSignal(string SensorId, double Confidence, IReadOnlyDictionary<string, string>? Features, EventTime Time);

/// <summary>A rule that reacts to fall detections.</summary>
public interface IFallRule : ICareRule
{
    /// <summary>Called for every fall detection, in order with readings.</summary>
    void OnFall(in FallSignal fall, IRuleContext context);
}

/// <summary>A rule that needs to start timers before any reading arrives (e.g. counting quiet time).</summary>
public interface IStartableRule : ICareRule
{
    /// <summary>Called once on the loop's thread when the loop starts.</summary>
    void OnStart(IRuleContext context);
}

/// <summary>A rule that can sound a local warning the resident may cancel with the help button (fall pre-alarm, inactivity warning).</summary>
public interface ILocalWarningRule : ICareRule
{
    /// <summary>True while the local warning should sound.</summary>
    bool WarningActive { get; }

    /// <summary>Cancels the warning because the resident pressed <paramref name="buttonSensorId"/>; true if one was active.</summary>
    bool CancelByButton(string buttonSensorId, IRuleContext context);
}

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

/// <summary>One pending check of a rule. Tokens are unique per process, so a stale callback queued before a re-arm or cancel is recognised and ignored.</summary>
internal sealed class TimerSlot
{
    private static long s_lastToken;
    private long _token;
    private IDisposable? _timer;

    public bool IsArmed => _timer is not null;

    public void Arm(ICareRule rule, IRuleContext context, TimeSpan delay)
    {
        Cancel();
        _token = Interlocked.Increment(ref s_lastToken);
        _timer = context.Schedule(rule, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, _token);
    }

    /// <summary>True (and disarms) if <paramref name="token"/> is this slot's current, armed token.</summary>
    public bool Fired(long token)
    {
        if (_timer is null || token != _token)
        {
            return false;
        }

        _timer.Dispose();
        _timer = null;
        return true;
    }

    public void Cancel()
    {
        _timer?.Dispose();
        _timer = null;
    }
}
