using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;

namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>The state of one uplink path (fixed, mobile) as the status command shows it.</summary>
/// <param name="Name">The path's name, e.g. "primary (fibre)".</param>
/// <param name="Up">True when the path is connected and supervised.</param>
/// <param name="Detail">A short explanation, e.g. "connected 3 h" or "broker refused: not authorised".</param>
public sealed record UplinkPathStatus(string Name, bool Up, string Detail);

/// <summary>A point-in-time view of the gateway for the <c>status</c> command.</summary>
/// <param name="GatewayId">The gateway's id as the centre knows it.</param>
/// <param name="Version">The software version (with commit).</param>
/// <param name="Uptime">Time since the gateway process started.</param>
/// <param name="ClockSynchronised">True once the wall clock is known to be right.</param>
/// <param name="UplinkPaths">Every configured uplink path.</param>
/// <param name="OutboxDepth">Events stored and not yet acknowledged by the centre.</param>
/// <param name="OldestUnackedAge">Age of the oldest unacknowledged event; null when the outbox is empty.</param>
/// <param name="AlarmsRaised">Alarms raised since start.</param>
public sealed record GatewayStatusSnapshot(
    string GatewayId,
    string Version,
    TimeSpan Uptime,
    bool ClockSynchronised,
    IReadOnlyList<UplinkPathStatus> UplinkPaths,
    int OutboxDepth,
    TimeSpan? OldestUnackedAge,
    int AlarmsRaised)
{
    /// <summary>The home's own health, one line per part (4G modem, board…); empty when none is checked.</summary>
    public IReadOnlyList<HealthStatus> Health { get; init; } = [];
}

/// <summary>The health of one part of the gateway as the status command shows it.</summary>
/// <param name="Name">The part, e.g. "4G modem".</param>
/// <param name="Ok">False when the part needs the technician.</param>
/// <param name="Detail">What was found, e.g. "registered (home) on Telia, signal 67 %, LTE RSRP -95 dBm".</param>
public sealed record HealthStatus(string Name, bool Ok, string Detail);

/// <summary>Implemented by the host: the gateway's status.</summary>
public interface IGatewayStatus
{
    /// <summary>Takes a snapshot now.</summary>
    GatewayStatusSnapshot GetStatus();
}

/// <summary>One live value of a sensor as the console shows it.</summary>
/// <param name="SensorId">The configured sensor id.</param>
/// <param name="Kind">The kind of sensor.</param>
/// <param name="Active">The sensor sees activity: open, occupied, pressed, water flowing, movement.</param>
/// <param name="Text">The value for people, e.g. "open" or "flow 6.0 l/min total 120.5 l" or "1.02 g".</param>
/// <param name="Time">When the value was read.</param>
public sealed record SensorValue(string SensorId, SensorKind Kind, bool Active, string Text, DateTimeOffset Time)
{
    /// <summary>Converts a reading from the devices layer.</summary>
    public static SensorValue From(SensorReading reading)
    {
        var active = reading.Kind == SensorKind.FlowMeter ? reading.IsFlowing : reading.Active;
        var text = reading.ToString();
        var prefix = reading.SensorId + " ";
        if (text.StartsWith(prefix, StringComparison.Ordinal))
        {
            text = text[prefix.Length..];
        }

        return new SensorValue(reading.SensorId, reading.Kind, active, text, reading.Time.Wall);
    }
}

/// <summary>A sensor the gateway knows, with its last value.</summary>
/// <param name="SensorId">The configured sensor id.</param>
/// <param name="Kind">The kind of sensor.</param>
/// <param name="Description">Where it is, e.g. "front door, BCM 17".</param>
/// <param name="Last">The last value; null when none has been read yet (a fault worth showing).</param>
public sealed record SensorInfo(string SensorId, SensorKind Kind, string Description, SensorValue? Last);

/// <summary>Implemented by the host: the configured sensors and their live values.</summary>
public interface ISensorDirectory
{
    /// <summary>All configured sensors, in a stable order.</summary>
    IReadOnlyList<SensorInfo> List();

    /// <summary>Calls <paramref name="onValue"/> for every new value of <paramref name="sensorId"/> until disposed; may be called on any thread.</summary>
    IDisposable Subscribe(string sensorId, Action<SensorValue> onValue);
}

/// <summary>One alarm as the <c>alarm list</c> command shows it.</summary>
/// <param name="Id">The alarm id the technician types for <c>alarm reset</c>.</param>
/// <param name="Description">What raised it, e.g. "night exit front-door".</param>
/// <param name="State">Its lifecycle state: "raised", "delivered" (the centre has it) or "taken" (a person took it on).</param>
/// <param name="RaisedAt">When it was raised.</param>
public sealed record AlarmSummary(string Id, string Description, string State, DateTimeOffset RaisedAt);

/// <summary>Implemented by the host: the alarms that are not cleared.</summary>
public interface IAlarmControl
{
    /// <summary>Active alarms, oldest first.</summary>
    IReadOnlyList<AlarmSummary> List();

    /// <summary>Resets (clears locally) one alarm; false with a one-line reason when it cannot.</summary>
    bool TryReset(string id, string actor, out string? error);
}

/// <summary>Implemented by the host: recent log lines (a ring buffer fed by the logging pipeline).</summary>
public interface ILogTail
{
    /// <summary>The last <paramref name="count"/> lines, oldest first.</summary>
    IReadOnlyList<string> Recent(int count);
}

/// <summary>An audit record: who did what, when.</summary>
/// <param name="Time">When it happened.</param>
/// <param name="Actor">Who: e.g. "technician@console".</param>
/// <param name="Action">What, as a stable word: login-ok, login-failed, logout, timeout, config-apply, alarm-reset…</param>
/// <param name="Detail">The particulars (a diff, an alarm id, a reason).</param>
public sealed record AuditEntry(DateTimeOffset Time, string Actor, string Action, string Detail);

/// <summary>Implemented by the host: the durable audit log.</summary>
public interface IAuditLog
{
    /// <summary>Records one entry durably.</summary>
    void Record(AuditEntry entry);
}

/// <summary>The outcome of a configuration command: lines to print and whether it succeeded.</summary>
/// <param name="Ok">True on success.</param>
/// <param name="Lines">What to print; on failure each line names the key and the problem.</param>
public sealed record ConfigResult(bool Ok, IReadOnlyList<string> Lines)
{
    /// <summary>A success with lines to show.</summary>
    public static ConfigResult Success(params string[] lines) => new(true, lines);

    /// <summary>A failure with its reasons.</summary>
    public static ConfigResult Failure(params string[] lines) => new(false, lines);
}

/// <summary>Implemented by the host (over the versioned config store): staged editing of the gateway configuration.</summary>
public interface IConfigEditor
{
    /// <summary>The applied configuration, pretty-printed.</summary>
    ConfigResult Show();

    /// <summary>One value of the staged (or applied, when nothing is staged) configuration.</summary>
    ConfigResult Get(string key);

    /// <summary>Stages one change; nothing is applied yet. Every result line of this editor may be shown and audited: secret values are masked.</summary>
    ConfigResult Set(string key, string value, string actor);

    /// <summary>The staged changes against the applied configuration.</summary>
    ConfigResult Diff();

    /// <summary>Validates and applies the staged changes atomically as a new version; one that takes a safety function away only <paramref name="knowingly"/>.</summary>
    ConfigResult Apply(string actor, bool knowingly = false);

    /// <summary>Drops the staged changes.</summary>
    ConfigResult Discard(string actor);

    /// <summary>Restores the previous version (or <paramref name="version"/>) as a new version; one that takes a safety function away only <paramref name="knowingly"/>.</summary>
    ConfigResult Rollback(string actor, int? version, bool knowingly = false);

    /// <summary>The most recent <paramref name="count"/> versions: who, when, what.</summary>
    ConfigResult History(int count);

    /// <summary>True when there are staged changes that are not applied.</summary>
    bool HasStagedChanges { get; }
}

/// <summary>Everything the console needs from the gateway; the host fills it in.</summary>
public sealed record ConsoleServices
{
    /// <summary>Gateway status.</summary>
    public required IGatewayStatus Status { get; init; }

    /// <summary>Sensors and live values.</summary>
    public required ISensorDirectory Sensors { get; init; }

    /// <summary>End-to-end test alarm.</summary>
    public required ITestAlarm TestAlarm { get; init; }

    /// <summary>Active alarms.</summary>
    public required IAlarmControl Alarms { get; init; }

    /// <summary>Recent log lines.</summary>
    public required ILogTail Log { get; init; }

    /// <summary>Configuration editing.</summary>
    public required IConfigEditor Config { get; init; }

    /// <summary>Audit log.</summary>
    public required IAuditLog Audit { get; init; }

    /// <summary>The commissioning record sent to the centre by <c>commission finish</c>.</summary>
    public required ICommissioningRecord Commissioning { get; init; }

    /// <summary>The mains-present input for <c>test mains</c>; null when the host offers none.</summary>
    public IMainsInput? Mains { get; init; }
}

/// <summary>Implemented by the host: the mains-present input (a DC-UPS's AC-OK signal, a UPS HAT's power input) as the gateway reads it.</summary>
public interface IMainsInput
{
    /// <summary>What reads mains, e.g. "DC-UPS signals: AC-OK on GPIO26"; null when the home has no power source configured.</summary>
    string? Description { get; }

    /// <summary>Mains as last read: true present, false absent, null not read yet or unreadable.</summary>
    bool? MainsPresent { get; }

    /// <summary>Calls <paramref name="onReading"/> with every reading of the input (true: mains present) until disposed; may be called on any thread.</summary>
    IDisposable Subscribe(Action<bool> onReading);
}
