using System.Globalization;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>
/// Night exit / wandering: the outer door opens in the night window and the resident is not back inside within the grace period.
/// </summary>
/// <remarks>
/// Opening the door to look out is not wandering: a door that closes again within <see cref="NightExitOptions.GracePeriod"/>
/// raises nothing. Without indoor sensors a closed door counts as "back inside". With indoor sensors (bed mat, chair mat)
/// the door closing is not enough — the resident may have closed it behind them — so one of them must report within
/// <see cref="NightExitOptions.ReturnConfirmWindow"/>. Only the moment the door opens must be in the night window; a
/// grace period that runs past the window's end still raises. Durations are measured on monotonic time, so daylight-saving
/// changes and wall-clock jumps do not stretch or shorten them.
/// </remarks>
public sealed class NightExitRule : ICareRule
{
    private readonly NightExitOptions _options;
    private readonly NightWindow _night;
    private readonly HashSet<string> _indoor;
    private readonly TimerSlot _timer = new();
    private State _state = State.Idle;
    private bool _doorOpen;
    private Guid? _alarm;

    /// <summary>Creates the rule.</summary>
    /// <exception cref="ConfigurationException">The options are invalid (the message names each key).</exception>
    public NightExitRule(NightExitOptions options, NightWindow night)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(night);
        ConfigurationException.ThrowIfAny(options.Validate());
        _options = options;
        _night = night;
        _indoor = new HashSet<string>(options.IndoorSensorIds, StringComparer.Ordinal);
    }

    private enum State
    {
        Idle,
        OpenAtNight,
        AwaitingReturn,
        Alarm,
    }

    /// <inheritdoc />
    public string Name => "night-exit";

    /// <inheritdoc />
    public void OnReading(in SensorReading reading, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (reading.SensorId == _options.DoorSensorId && reading.Kind == SensorKind.DoorContact)
        {
            OnDoor(reading, context);
        }
        else if (_indoor.Contains(reading.SensorId))
        {
            OnIndoorActivity(context);
        }
    }

    /// <inheritdoc />
    public void OnTimer(long token, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_timer.Fired(token))
        {
            return;
        }

        var grace = Minutes(_options.GracePeriod);
        var message = _state switch
        {
            State.OpenAtNight => $"{_options.DoorSensorId} opened at night and still open after {grace}",
            State.AwaitingReturn => $"{_options.DoorSensorId} opened at night and closed, but no sign of the resident inside after {Minutes(_options.ReturnConfirmWindow)}",
            _ => null,
        };
        if (message is null)
        {
            return;
        }

        var data = new Dictionary<string, string>
        {
            ["door"] = _doorOpen ? "open" : "closed",
            ["window"] = _night.ToString(),
        };
        _alarm = context.RaiseAlarm(CareEventKind.NightExit, _options.DoorSensorId, message, data).Id;
        _state = State.Alarm;
    }

    private void OnDoor(in SensorReading reading, IRuleContext context)
    {
        _doorOpen = reading.Active;
        switch (_state, reading.Active)
        {
            case (State.Idle or State.AwaitingReturn, true):
                if (RuleTime.InsideOrUnknown(_night, reading.Time))
                {
                    _state = State.OpenAtNight;
                    _timer.Arm(this, context, _options.GracePeriod);
                }
                else
                {
                    _timer.Cancel();
                    _state = State.Idle;
                }

                break;
            case (State.OpenAtNight, false):
                if (_indoor.Count == 0)
                {
                    // Closed within the grace period: a peek.
                    _timer.Cancel();
                    _state = State.Idle;
                }
                else
                {
                    _state = State.AwaitingReturn;
                    _timer.Arm(this, context, _options.ReturnConfirmWindow);
                }

                break;
            case (State.Alarm, false) when _indoor.Count == 0:
                Clear(context);
                break;
        }
    }

    private void OnIndoorActivity(IRuleContext context)
    {
        switch (_state)
        {
            case State.AwaitingReturn:
                _timer.Cancel();
                _state = State.Idle;
                break;
            case State.Alarm when !_doorOpen:
                Clear(context);
                break;
        }
    }

    private void Clear(IRuleContext context)
    {
        if (_alarm is { } id)
        {
            context.ClearAlarm(id, ClearReason.ConditionEnded);
        }

        _alarm = null;
        _timer.Cancel();
        _state = State.Idle;
    }

    private static string Minutes(TimeSpan t) => t.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min";
}
