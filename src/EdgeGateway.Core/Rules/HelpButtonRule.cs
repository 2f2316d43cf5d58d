using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>
/// Help button / pull cord: every press raises an immediate <see cref="CareEventKind.HelpButton"/> alarm (highest priority),
/// from any sensor whose kind calls for help (<see cref="SensorKindExtensions.CallsForHelp"/>: <see cref="SensorKind.HelpButton"/>)
/// — a pull cord is never ignored for want of configuration.
/// </summary>
/// <remarks>
/// The one exception: while a local warning sounds (fall pre-alarm, inactivity warning) the button is how the resident
/// answers "I am fine", so a press cancels the warning instead. Calling help must stay possible, so
/// (1) holding the button for <see cref="HelpButtonOptions.LongPress"/> still raises the alarm, and (2) a second press
/// raises it at once, since the warning is already cancelled by then. The alarm is cleared only by the centre or a local
/// reset, never by releasing the button.
/// </remarks>
public sealed class HelpButtonRule : ICareRule
{
    private readonly HelpButtonOptions _options;
    private readonly IReadOnlyList<ILocalWarningRule> _warnings;
    private readonly TimerSlot _longPress = new();
    private string? _heldButton;

    /// <summary>Creates the rule; <paramref name="warnings"/> are the rules whose warnings a press cancels.</summary>
    /// <exception cref="ConfigurationException">The options are invalid.</exception>
    public HelpButtonRule(HelpButtonOptions options, IReadOnlyList<ILocalWarningRule>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConfigurationException.ThrowIfAny(options.Validate());
        _options = options;
        _warnings = warnings ?? [];
    }

    /// <inheritdoc />
    public string Name => "help-button";

    /// <inheritdoc />
    public void OnReading(in SensorReading reading, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!reading.Kind.CallsForHelp())
        {
            return;
        }

        if (!reading.Active)
        {
            if (_heldButton == reading.SensorId)
            {
                _longPress.Cancel();
                _heldButton = null;
            }

            return;
        }

        var cancelled = false;
        foreach (var warning in _warnings)
        {
            if (warning.WarningActive)
            {
                cancelled |= warning.CancelByButton(reading.SensorId, context);
            }
        }

        if (cancelled)
        {
            _heldButton = reading.SensorId;
            _longPress.Arm(this, context, _options.LongPress);
        }
        else
        {
            context.RaiseAlarm(CareEventKind.HelpButton, reading.SensorId, $"{reading.SensorId} pressed: the resident calls for help");
        }
    }

    /// <inheritdoc />
    public void OnTimer(long token, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_longPress.Fired(token) && _heldButton is { } button)
        {
            _heldButton = null;
            context.RaiseAlarm(
                CareEventKind.HelpButton,
                button,
                $"{button} held after cancelling a local warning: the resident calls for help",
                new Dictionary<string, string> { ["press"] = "long" });
        }
    }
}
