using EdgeGateway.Core.Loop;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeGateway.Runtime;

/// <summary>
/// Pets the systemd watchdog only while the alarm loop answers probes, so a hung loop (not just a dead process)
/// gets the gateway restarted. The extensions never shipped watchdog support; this is ours.
/// </summary>
internal sealed class LoopWatchdog : IDisposable
{
    private static readonly ServiceState Pet = new("WATCHDOG=1");
    private readonly AlarmLoop _loop;
    private readonly ISystemdNotifier _notifier;
    private readonly ITimer _timer;
    private long _probe;

    public LoopWatchdog(AlarmLoop loop, ISystemdNotifier notifier, TimeProvider time, TimeSpan interval)
    {
        _loop = loop;
        _notifier = notifier;
        _timer = time.CreateTimer(_ => Tick(), null, interval, interval);
    }

    /// <summary>How many times the watchdog was petted.</summary>
    public long Pets { get; private set; }

    /// <summary>The pet interval for systemd's WATCHDOG_USEC: half of it, so one late tick does not kill a healthy gateway.</summary>
    public static TimeSpan? IntervalFromEnvironment()
    {
        var usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        return long.TryParse(usec, out var us) && us > 0 ? TimeSpan.FromMicroseconds(us / 2.0) : null;
    }

    /// <summary>One watchdog period: pet if the previous probe came back, then send the next one.</summary>
    internal void Tick()
    {
        if (_loop.IsArmed && _loop.AnsweredProbe == _probe)
        {
            _notifier.Notify(Pet);
            Pets++;
        }

        _loop.TryProbe(++_probe);
    }

    public void Dispose() => _timer.Dispose();
}
