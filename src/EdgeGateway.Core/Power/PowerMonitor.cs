using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Power;

/// <summary>
/// Reads a power source on a timer and turns what it reports into the home's power events: mains lost and restored
/// once they have held for the settle time, battery low, battery critical (and then a request to end gracefully), and
/// battery faults. Reading and judging run on the timer, never on the alarm loop, so an alarm raised on battery is
/// never delayed by them.
/// </summary>
public sealed class PowerMonitor : IDisposable
{
    /// <summary>Percentage points the charge must climb back above a threshold before it counts as cleared.</summary>
    private const double HysteresisPercent = 5;

    private readonly IPowerSource _source;
    private readonly PowerMonitorOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<CareEventKind, string> _report;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private PowerSupply _settled = PowerSupply.Unknown;
    private PowerSupply _pending = PowerSupply.Unknown;
    private long _pendingSince;
    private bool _low;
    private bool _critical;
    private bool _faulted;
    private volatile PowerState _state;

    /// <summary>Creates the monitor; <paramref name="report"/> takes each power event (kind and text) to the alarm loop.</summary>
    public PowerMonitor(IPowerSource source, PowerMonitorOptions options, TimeProvider time, Action<CareEventKind, string> report)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(report);
        _source = source;
        _options = options;
        _time = time;
        _report = report;
        _state = new PowerState(PowerSupply.Unknown, BatteryCondition.Normal, null, null, new PowerStatus(PowerSupply.Unknown, BatteryCondition.Normal));
    }

    /// <summary>Raised once when the battery reaches the reserve on battery: the host ends the gateway gracefully.</summary>
    public event Action<PowerState>? ShutdownRequested;

    /// <summary>Raised after every reading with what the source read, before any settling (the console's mains walk-test); on the poll timer's thread.</summary>
    public event Action<PowerStatus>? ReadingTaken;

    /// <summary>The power state as judged at the last reading.</summary>
    public PowerState State => _state;

    /// <summary>What the source is.</summary>
    public string Description => _source.Description;

    /// <summary>Reads now, then every poll interval.</summary>
    public void Start() => _timer ??= _time.CreateTimer(_ => Check(), null, TimeSpan.Zero, _options.PollInterval);

    /// <summary>One reading and its judgement (the timer's step; tests call it directly).</summary>
    public void Check()
    {
        PowerStatus reading;
        try
        {
            reading = _source.Read();
        }
#pragma warning disable CA1031 // A source that throws anyway (a binding's own bug) is a fault to report, not the end of power monitoring.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            reading = PowerStatus.Unreadable(ex.Message);
        }

        PowerState? shutdown = null;
        lock (_gate)
        {
            JudgeSupply(reading.Supply);
            JudgeBattery(reading);
            var timeLeft = _settled == PowerSupply.Battery ? TimeLeft(reading) : null;
            _state = new PowerState(_settled, reading.Battery, reading.Charge, timeLeft, reading);
            if (_settled == PowerSupply.Battery && !_critical && ReserveReached(reading))
            {
                _critical = true;
                _report(CareEventKind.BatteryCritical, $"battery at the reserve on battery ({_state}): the gateway ends gracefully now");
                shutdown = _state;
            }
        }

        ReadingTaken?.Invoke(reading);
        if (shutdown is not null)
        {
            ShutdownRequested?.Invoke(shutdown);
        }
    }

    private void JudgeSupply(PowerSupply now)
    {
        if (now == PowerSupply.Unknown)
        {
            return; // an unreadable source keeps the last settled supply; the fault is reported by JudgeBattery
        }

        if (_settled == PowerSupply.Unknown)
        {
            // The first reading: starting on battery is news (the gateway booted during a power cut), on mains is not.
            _settled = now;
            _pending = now;
            if (now == PowerSupply.Battery)
            {
                _report(CareEventKind.MainsLost, "started on battery: mains is not present");
            }

            return;
        }

        if (now == _settled)
        {
            _pending = now;
            return;
        }

        if (now != _pending)
        {
            _pending = now;
            _pendingSince = _time.GetTimestamp();
        }

        if (_time.GetElapsedTime(_pendingSince) < _options.MainsSettle)
        {
            return;
        }

        _settled = now;
        if (now == PowerSupply.Battery)
        {
            _report(CareEventKind.MainsLost, $"mains lost for {_options.MainsSettle.TotalSeconds:0} s: running on battery");
        }
        else
        {
            _report(CareEventKind.MainsRestored, "mains restored");
            _critical = false;
        }
    }

    private void JudgeBattery(PowerStatus reading)
    {
        var faulty = reading.Battery is BatteryCondition.Missing or BatteryCondition.Fault || reading.Fault is not null;
        if (faulty && !_faulted)
        {
            _faulted = true;
            var why = reading.Fault ?? (reading.Battery == BatteryCondition.Missing ? "no battery connected" : "the power board reports a battery fault");
            _report(CareEventKind.BatteryFault, $"{why}: the gateway cannot ride out a power cut");
        }
        else if (!faulty && _faulted)
        {
            _faulted = false;
            _report(CareEventKind.BatteryRestored, "battery fault cleared");
        }

        var charge = reading.Charge?.Percent;
        var low = reading.Battery == BatteryCondition.Low || charge <= _options.LowCharge.Percent;
        if (_settled == PowerSupply.Battery && low && !_low)
        {
            _low = true;
            _report(CareEventKind.BatteryLow, charge is { } c ? System.FormattableString.Invariant($"battery low on battery: {c:0} %") : "battery low on battery (the UPS's battery-low signal)");
        }
        else if (_low && reading.Battery != BatteryCondition.Low && (charge is null ? _settled == PowerSupply.Mains : charge > _options.LowCharge.Percent + HysteresisPercent))
        {
            _low = false;
            _report(CareEventKind.BatteryRestored, charge is { } c ? System.FormattableString.Invariant($"battery charged again: {c:0} %") : "battery-low signal cleared");
        }
    }

    private bool ReserveReached(PowerStatus reading) =>
        reading.Charge is { } charge
            ? charge <= _options.ReserveCharge
            : reading.Battery == BatteryCondition.Low; // a DC-UPS's battery-low relay is its reserve signal

    private TimeSpan? TimeLeft(PowerStatus reading)
    {
        if (_options.Capacity is not { } capacity || reading.Charge is not { } charge || reading.BatteryCurrent is not { } current || current.Amperes >= 0)
        {
            return null;
        }

        var usable = (charge.DecimalFractions - _options.ReserveCharge.DecimalFractions) * capacity.AmpereHours;
        return usable <= 0 ? TimeSpan.Zero : TimeSpan.FromHours(usable / -current.Amperes);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _timer?.Dispose();
        _source.Dispose();
    }
}
