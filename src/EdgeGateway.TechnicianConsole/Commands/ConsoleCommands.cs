using System.Globalization;
using System.Threading.Channels;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.TechnicianConsole.Services;

namespace EdgeGateway.TechnicianConsole.Commands;

/// <summary>A bad command line: the message says what was expected and is printed as one error line.</summary>
public sealed class CommandUsageException(string message) : Exception(message);

/// <summary>What a command may use of its session.</summary>
internal interface ICommandContext
{
    ConsoleServices Services { get; }

    TimeProvider Time { get; }

    ConsoleOptions Options { get; }

    bool Color { get; set; }

    string ActorName { get; }

    bool LogoutRequested { get; set; }

    Task WriteLineAsync(string text);

    Task ErrorAsync(string message);

    string Paint(string text, ConsoleColor color);

    void Audit(string action, string detail);
}

/// <summary>The console's commands: one table, so help, dispatch and the usage errors cannot drift apart.</summary>
internal sealed class ConsoleCommands
{
    // The mains input's name in walk-tests and the commissioning record (a sensor of that id would win).
    private const string MainsInput = "mains";

    private readonly ICommandContext _ctx;
    private readonly List<Spec> _specs;

    // What this session verified, for the commissioning record: the last walk-test of each sensor and the last test alarm.
    private readonly Dictionary<string, WalkTestResult> _walkTests = new(StringComparer.Ordinal);
    private TestAlarmResult? _testAlarm;

    public ConsoleCommands(ICommandContext ctx)
    {
        _ctx = ctx;
        _specs =
        [
            new("help", "help [COMMAND]", "list the commands, or explain one", "help alone lists every command; help CMD shows its usage.", HelpAsync),
            new("status", "status", "gateway id, version, uptime, clock, uplink, outbox, alarms, health, sensors", "One screen to check a home is healthy before leaving.", StatusAsync),
            new("sensors", "sensors", "every sensor with its live value", "A sensor without a value yet is shown as 'no value yet': check its wiring.", SensorsAsync),
            new("watch", "watch SENSOR", "print a sensor's values as they change, until Ctrl-C", "Example: watch front-door", WatchAsync),
            new("test", "test SENSOR | test mains | test alarm", "walk-test a sensor or the mains input, or send a test alarm to the centre", "test SENSOR guides you: make the sensor active, then idle; each step times out.\ntest mains: pull the UPS's mains plug, then plug it back in; the gateway must see both.\ntest alarm sends a test transmission and prints the round trip to the centre's acknowledgement.", TestAsync),
            new("config", "config show|get KEY|set KEY VALUE|diff|apply [knowingly]|discard|rollback [VERSION] [knowingly]|history [N]", "view and change the configuration", "Changes are staged with set, checked with diff, validated and written as a new version by apply.\nrollback restores the previous version (or VERSION) as a new version. Values are JSON (42, true, \"text\", {...}) or plain text.\nA change that takes away the last help input, a safety rule or a fire input is refused unless followed by 'knowingly' (kept in the audit).", ConfigAsync),
            new("log", "log [N]", "the last N log lines (default 20)", "N is 1 to 500.", LogAsync),
            new("alarm", "alarm list | alarm reset ID", "list active alarms (raised, delivered or taken), or reset one", "delivered: the centre has it, nobody has taken it on yet; taken: a nurse has (help is coming).\nreset clears an alarm locally and is audited.", AlarmAsync),
            new("commission", "commission status | commission finish", "what this visit verified; send it to the centre", "status lists each sensor's walk-test (pass, fail, not tested) and the test alarm's round trip.\nfinish sends that record to the centre as one commissioning event and audits it.", CommissionAsync),
            new("color", "color on|off", "turn ANSI colours on or off", "Off by default: dumb terminals show escape codes as garbage.", ColorAsync),
            new("logout", "logout", "end the session", "The console goes back to the PIN prompt.", LogoutAsync),
        ];
    }

    private delegate Task Handler(IReadOnlyList<string> args, CancellationToken ct);

    public async Task RunAsync(CommandLine line, CancellationToken ct)
    {
        var spec = _specs.Find(s => s.Name == line.Command)
            ?? throw new CommandUsageException($"unknown command '{line.Command}': expected one of {string.Join(", ", _specs.Select(s => s.Name))}");
        await spec.Handler(line.Arguments, ct).ConfigureAwait(false);
    }

    private Spec Find(string name) =>
        _specs.Find(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new CommandUsageException($"no command '{name}': expected one of {string.Join(", ", _specs.Select(s => s.Name))}");

    private async Task HelpAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 0, 1, "help [COMMAND]");
        if (args.Count == 1)
        {
            var spec = Find(args[0]);
            await _ctx.WriteLineAsync($"usage: {spec.Usage}\n  {spec.Summary}\n  {spec.Details.Replace("\n", "\n  ", StringComparison.Ordinal)}").ConfigureAwait(false);
            return;
        }

        var width = _specs.Max(s => s.Name.Length) + 2;
        foreach (var spec in _specs)
        {
            await _ctx.WriteLineAsync($"  {spec.Name.PadRight(width)}{spec.Summary}").ConfigureAwait(false);
        }

        await _ctx.WriteLineAsync("  help CMD shows a command's usage; Ctrl-C cancels a line or a running watch/test").ConfigureAwait(false);
    }

    private async Task StatusAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 0, 0, "status");
        var s = _ctx.Services.Status.GetStatus();
        var lines = new List<string>
        {
            $"gateway  {s.GatewayId}",
            $"version  {s.Version}",
            $"uptime   {Duration(s.Uptime)}",
            $"clock    {(s.ClockSynchronised ? _ctx.Paint("synchronised", ConsoleColor.Green) : _ctx.Paint("NOT synchronised", ConsoleColor.Red))}",
        };
        if (s.UplinkPaths.Count == 0)
        {
            lines.Add($"uplink   {_ctx.Paint("no path configured", ConsoleColor.Red)}");
        }

        for (var i = 0; i < s.UplinkPaths.Count; i++)
        {
            var p = s.UplinkPaths[i];
            var state = p.Up ? _ctx.Paint("up", ConsoleColor.Green) : _ctx.Paint("DOWN", ConsoleColor.Red);
            lines.Add($"{(i == 0 ? "uplink" : string.Empty),-9}{p.Name}: {state} ({p.Detail})");
        }

        lines.Add(s.OutboxDepth == 0
            ? "outbox   empty"
            : $"outbox   {s.OutboxDepth} unacknowledged, oldest {(s.OldestUnackedAge is { } age ? Duration(age) : "unknown")}");
        lines.Add($"alarms   {s.AlarmsRaised} raised since start");
        for (var i = 0; i < s.Health.Count; i++)
        {
            var h = s.Health[i];
            lines.Add($"{(i == 0 ? "health" : string.Empty),-9}{h.Name}: {(h.Ok ? _ctx.Paint("ok", ConsoleColor.Green) : _ctx.Paint("FAULT", ConsoleColor.Red))} ({h.Detail})");
        }

        var sensors = _ctx.Services.Sensors.List();
        for (var i = 0; i < sensors.Count; i++)
        {
            lines.Add($"{(i == 0 ? "sensors" : string.Empty),-9}{SensorLine(sensors[i])}");
        }

        await _ctx.WriteLineAsync(string.Join('\n', lines)).ConfigureAwait(false);
    }

    private async Task SensorsAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 0, 0, "sensors");
        var sensors = _ctx.Services.Sensors.List();
        if (sensors.Count == 0)
        {
            await _ctx.WriteLineAsync("no sensors configured").ConfigureAwait(false);
            return;
        }

        foreach (var s in sensors)
        {
            await _ctx.WriteLineAsync($"{SensorLine(s)}  [{s.Description}]").ConfigureAwait(false);
        }
    }

    private async Task WatchAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 1, 1, "watch SENSOR");
        var sensor = FindSensor(args[0]);
        var values = Channel.CreateBounded<SensorValue>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        using var subscription = _ctx.Services.Sensors.Subscribe(sensor.SensorId, v => values.Writer.TryWrite(v));
        await _ctx.WriteLineAsync($"watching {sensor.SensorId}: {sensor.Last?.Text ?? "no value yet"} (Ctrl-C to stop)").ConfigureAwait(false);
        await foreach (var v in values.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            await _ctx.WriteLineAsync($"{v.Time.ToString("HH:mm:ss.f", CultureInfo.InvariantCulture)} {v.SensorId} {v.Text}").ConfigureAwait(false);
        }
    }

    private async Task TestAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 1, 1, "test SENSOR | test mains | test alarm");
        if (args[0].Equals("alarm", StringComparison.OrdinalIgnoreCase))
        {
            await TestAlarmAsync(ct).ConfigureAwait(false);
            return;
        }

        if (args[0].Equals(MainsInput, StringComparison.OrdinalIgnoreCase) && !_ctx.Services.Sensors.List().Any(s => s.SensorId == MainsInput))
        {
            await WalkTestMainsAsync(ct).ConfigureAwait(false);
            return;
        }

        await WalkTestAsync(FindSensor(args[0]), ct).ConfigureAwait(false);
    }

    private async Task TestAlarmAsync(CancellationToken ct)
    {
        var timeout = _ctx.Options.TestAlarmTimeout;
        await _ctx.WriteLineAsync($"sending a test alarm to the centre (waiting up to {timeout.TotalSeconds:0} s for its acknowledgement)…").ConfigureAwait(false);
        using var limit = new CancellationTokenSource(timeout, _ctx.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, limit.Token);
        TestAlarmResult result;
        try
        {
            result = await _ctx.Services.TestAlarm.SendAsync(new TestAlarmRequest("technician console", AwaitCentreAck: true), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            result = TestAlarmResult.Failed($"no acknowledgement from the centre within {timeout.TotalSeconds:0} s");
        }

        _testAlarm = result;
        if (result.Acknowledged)
        {
            _ctx.Audit("test-alarm", $"acknowledged in {result.RoundTrip.TotalMilliseconds:0} ms");
            await _ctx.WriteLineAsync($"{_ctx.Paint("PASS", ConsoleColor.Green)} test alarm acknowledged by the centre in {result.RoundTrip.TotalMilliseconds:0} ms").ConfigureAwait(false);
        }
        else
        {
            _ctx.Audit("test-alarm", $"failed: {result.FailureReason}");
            await _ctx.WriteLineAsync($"{_ctx.Paint("FAIL", ConsoleColor.Red)} test alarm: {result.FailureReason}").ConfigureAwait(false);
        }
    }

    private async Task WalkTestAsync(SensorInfo sensor, CancellationToken ct)
    {
        var (doActive, doIdle, isActive, isIdle) = sensor.Kind switch
        {
            SensorKind.DoorContact => ("open", "close", "open", "closed"),
            SensorKind.BedMat or SensorKind.ChairMat => ("sit or lie on", "get off", "occupied", "empty"),
            SensorKind.HelpButton => ("press", "release", "pressed", "released"),
            SensorKind.FlowMeter => ("run the water through", "turn off the water through", "flowing", "stopped"),
            SensorKind.SmokeDetector => ("press the test button of", "let go of the test button of", "reporting smoke", "quiet"),
            SensorKind.MedicationDispenser => ("start the missed-dose test of", "reset", "reporting a missed dose", "idle"),
            SensorKind.StoveGuard => ("start the cut-off test of", "reset", "reporting the stove switched off", "idle"),
            SensorKind.DispenserFault or SensorKind.SmokeDetectorFault or SensorKind.StoveGuardFault =>
                ("unplug the fault output's cable of", "plug back the fault output's cable of", "reporting a fault", "ok"),
            SensorKind.Motion => ("walk in front of", "leave the room and wait out the hold time of", "seeing motion", "quiet"),
            _ => ("move", "hold still", "moving", "still"),
        };
        var timeout = _ctx.Options.WalkTestTimeout;
        var values = Channel.CreateBounded<SensorValue>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        using var subscription = _ctx.Services.Sensors.Subscribe(sensor.SensorId, v => values.Writer.TryWrite(v));
        var current = _ctx.Services.Sensors.List().FirstOrDefault(s => s.SensorId == sensor.SensorId)?.Last;
        var id = sensor.SensorId;

        if (current is { Active: true })
        {
            await _ctx.WriteLineAsync($"{id} is {isActive}: {doIdle} it first…").ConfigureAwait(false);
            if (!await WaitForAsync(values.Reader, false, timeout, ct).ConfigureAwait(false))
            {
                await FailAsync(id, $"still {isActive} after {timeout.TotalSeconds:0} s").ConfigureAwait(false);
                return;
            }
        }

        var started = _ctx.Time.GetTimestamp();
        await _ctx.WriteLineAsync($"{doActive} {id} now… ({timeout.TotalSeconds:0} s)").ConfigureAwait(false);
        if (!await WaitForAsync(values.Reader, true, timeout, ct).ConfigureAwait(false))
        {
            await FailAsync(id, $"not {isActive} within {timeout.TotalSeconds:0} s").ConfigureAwait(false);
            return;
        }

        var activeAfter = _ctx.Time.GetElapsedTime(started);
        await _ctx.WriteLineAsync($"{isActive} after {activeAfter.TotalSeconds:0.0} s. {doIdle} {id} now… ({timeout.TotalSeconds:0} s)").ConfigureAwait(false);
        started = _ctx.Time.GetTimestamp();
        if (!await WaitForAsync(values.Reader, false, timeout, ct).ConfigureAwait(false))
        {
            await FailAsync(id, $"not {isIdle} within {timeout.TotalSeconds:0} s").ConfigureAwait(false);
            return;
        }

        var idleAfter = _ctx.Time.GetElapsedTime(started);
        _walkTests[id] = new WalkTestResult(id, true, "");
        _ctx.Audit("walk-test", $"{id} pass");
        await _ctx.WriteLineAsync($"{isIdle} after {idleAfter.TotalSeconds:0.0} s. {_ctx.Paint("PASS", ConsoleColor.Green)} {id}").ConfigureAwait(false);
    }

    // The mains input's walk-test: the technician pulls the UPS's plug and puts it back; the gateway must read both, at
    // its own poll interval, through the same source the power monitor judges (before the settle time, which is the
    // monitor's business, not the wiring's).
    private async Task WalkTestMainsAsync(CancellationToken ct)
    {
        var mains = _ctx.Services.Mains;
        if (mains?.Description is not { } source)
        {
            throw new CommandUsageException("test mains: this home reads no mains input (configure devices.power, e.g. the DC-UPS's AC-OK pin)");
        }

        var timeout = _ctx.Options.WalkTestTimeout;
        var readings = Channel.CreateBounded<bool>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        using var subscription = mains.Subscribe(present => readings.Writer.TryWrite(present));
        if (mains.MainsPresent is not true)
        {
            await _ctx.WriteLineAsync($"mains reads {(mains.MainsPresent is false ? "absent" : "nothing yet")} ({source}): plug the UPS in first…").ConfigureAwait(false);
            if (!await WaitForMainsAsync(readings.Reader, true, timeout, ct).ConfigureAwait(false))
            {
                await FailAsync(MainsInput, $"mains not present after {timeout.TotalSeconds:0} s").ConfigureAwait(false);
                return;
            }
        }

        var started = _ctx.Time.GetTimestamp();
        await _ctx.WriteLineAsync($"pull the UPS's mains plug now… ({timeout.TotalSeconds:0} s; {source})").ConfigureAwait(false);
        if (!await WaitForMainsAsync(readings.Reader, false, timeout, ct).ConfigureAwait(false))
        {
            await FailAsync(MainsInput, $"mains still present after {timeout.TotalSeconds:0} s: check the AC-OK wiring and its active level").ConfigureAwait(false);
            return;
        }

        var lostAfter = _ctx.Time.GetElapsedTime(started);
        await _ctx.WriteLineAsync($"mains absent after {lostAfter.TotalSeconds:0.0} s (on battery). plug it back in now… ({timeout.TotalSeconds:0} s)").ConfigureAwait(false);
        started = _ctx.Time.GetTimestamp();
        if (!await WaitForMainsAsync(readings.Reader, true, timeout, ct).ConfigureAwait(false))
        {
            await FailAsync(MainsInput, $"mains not back within {timeout.TotalSeconds:0} s").ConfigureAwait(false);
            return;
        }

        var backAfter = _ctx.Time.GetElapsedTime(started);
        _walkTests[MainsInput] = new WalkTestResult(MainsInput, true, "");
        _ctx.Audit("walk-test", $"{MainsInput} pass");
        await _ctx.WriteLineAsync($"mains present after {backAfter.TotalSeconds:0.0} s. {_ctx.Paint("PASS", ConsoleColor.Green)} {MainsInput}").ConfigureAwait(false);
    }

    private async Task<bool> WaitForMainsAsync(ChannelReader<bool> readings, bool present, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = new CancellationTokenSource(timeout, _ctx.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, limit.Token);
        try
        {
            while (await readings.ReadAsync(linked.Token).ConfigureAwait(false) != present)
            {
            }

            return true;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task FailAsync(string id, string reason)
    {
        _walkTests[id] = new WalkTestResult(id, false, reason);
        _ctx.Audit("walk-test", $"{id} fail: {reason}");
        await _ctx.WriteLineAsync($"{_ctx.Paint("FAIL", ConsoleColor.Red)} {id}: {reason}").ConfigureAwait(false);
    }

    private async Task<bool> WaitForAsync(ChannelReader<SensorValue> values, bool active, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = new CancellationTokenSource(timeout, _ctx.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, limit.Token);
        try
        {
            while (true)
            {
                var v = await values.ReadAsync(linked.Token).ConfigureAwait(false);
                if (v.Active == active)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task ConfigAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        const string usage = "config show|get KEY|set KEY VALUE|diff|apply [knowingly]|discard|rollback [VERSION] [knowingly]|history [N]";
        if (args.Count == 0)
        {
            throw new CommandUsageException($"config: expected {usage}");
        }

        var editor = _ctx.Services.Config;
        var sub = args[0].ToLowerInvariant();
        ConfigResult result;
        switch (sub)
        {
            case "show":
                Expect(args, 1, 1, "config show");
                result = editor.Show();
                break;
            case "get":
                Expect(args, 2, 2, "config get KEY");
                result = editor.Get(args[1]);
                break;
            case "set":
                Expect(args, 3, 3, "config set KEY VALUE (quote a VALUE with spaces)");
                result = editor.Set(args[1], args[2], _ctx.ActorName);
                if (result.Ok)
                {
                    // The editor's echo, not the typed value: it shows a secret (the PIN hash) as "(secret)".
                    _ctx.Audit("config-stage", string.Join("; ", result.Lines));
                }

                break;
            case "diff":
                Expect(args, 1, 1, "config diff");
                result = editor.Diff();
                break;
            case "apply":
                Expect(args, 1, 2, "config apply [knowingly]");
                if (args.Count == 2 && !IsKnowingly(args[1]))
                {
                    throw new CommandUsageException($"config apply: expected config apply [knowingly], found '{args[1]}'");
                }

                var applyKnowingly = args.Count == 2;
                result = editor.Apply(_ctx.ActorName, applyKnowingly);
                _ctx.Audit(result.Ok ? "config-apply" : "config-apply-refused", string.Join("; ", result.Lines));
                break;
            case "discard":
                Expect(args, 1, 1, "config discard");
                result = editor.Discard(_ctx.ActorName);
                _ctx.Audit("config-discard", string.Join("; ", result.Lines));
                break;
            case "rollback":
                Expect(args, 1, 3, "config rollback [VERSION] [knowingly]");
                var knowingly = args.Count > 1 && IsKnowingly(args[^1]);
                var numbered = args.Count - (knowingly ? 1 : 0);
                int? version = numbered == 2 ? ParseInt(args[1], 1, int.MaxValue, "config rollback VERSION") : null;
                if (numbered > 2)
                {
                    throw new CommandUsageException("config rollback: expected config rollback [VERSION] [knowingly]");
                }

                result = editor.Rollback(_ctx.ActorName, version, knowingly);
                _ctx.Audit(result.Ok ? "config-rollback" : "config-rollback-refused", string.Join("; ", result.Lines));
                break;
            case "history":
                Expect(args, 1, 2, "config history [N]");
                result = editor.History(args.Count == 2 ? ParseInt(args[1], 1, 100, "config history N") : 10);
                break;
            default:
                throw new CommandUsageException($"config {args[0]}: expected {usage}");
        }

        await PrintAsync(result).ConfigureAwait(false);
    }

    // Only the whole word says it knowingly; anything else there is a usage error, never a silent override.
    private static bool IsKnowingly(string arg) => string.Equals(arg, "knowingly", StringComparison.OrdinalIgnoreCase);

    private async Task LogAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 0, 1, "log [N]");
        var n = args.Count == 1 ? ParseInt(args[0], 1, 500, "log N") : 20;
        var lines = _ctx.Services.Log.Recent(n);
        await _ctx.WriteLineAsync(lines.Count == 0 ? "no log lines yet" : string.Join('\n', lines)).ConfigureAwait(false);
    }

    private async Task AlarmAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        const string usage = "alarm list | alarm reset ID";
        if (args.Count == 0)
        {
            throw new CommandUsageException($"alarm: expected {usage}");
        }

        switch (args[0].ToLowerInvariant())
        {
            case "list":
                Expect(args, 1, 1, "alarm list");
                var alarms = _ctx.Services.Alarms.List();
                if (alarms.Count == 0)
                {
                    await _ctx.WriteLineAsync("no active alarms").ConfigureAwait(false);
                    return;
                }

                foreach (var a in alarms)
                {
                    await _ctx.WriteLineAsync($"{a.Id}  {a.State,-12} {a.RaisedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}  {a.Description}").ConfigureAwait(false);
                }

                return;
            case "reset":
                Expect(args, 2, 2, "alarm reset ID");
                if (!_ctx.Services.Alarms.TryReset(args[1], _ctx.ActorName, out var error))
                {
                    _ctx.Audit("alarm-reset-refused", $"{args[1]}: {error}");
                    throw new CommandUsageException($"alarm reset {args[1]}: {error}");
                }

                _ctx.Audit("alarm-reset", args[1]);
                await _ctx.WriteLineAsync($"alarm {args[1]} reset").ConfigureAwait(false);
                return;
            default:
                throw new CommandUsageException($"alarm {args[0]}: expected {usage}");
        }
    }

    private async Task CommissionAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        const string usage = "commission status | commission finish";
        Expect(args, 1, 1, usage);
        IEnumerable<string> mains = _ctx.Services.Mains?.Description is null ? [] : [MainsInput];
        var report = new CommissioningReport(_ctx.ActorName, [.. _ctx.Services.Sensors.List().Select(s => s.SensorId), .. mains], new Dictionary<string, WalkTestResult>(_walkTests), _testAlarm);
        switch (args[0].ToLowerInvariant())
        {
            case "status":
                foreach (var (key, value) in report.ToEventData().Where(kv => kv.Key != "technician"))
                {
                    await _ctx.WriteLineAsync($"{key,-28} {value}").ConfigureAwait(false);
                }

                return;
            case "finish":
                if (_walkTests.Count == 0 && _testAlarm is null)
                {
                    throw new CommandUsageException("commission finish: nothing verified yet: walk-test the sensors (test SENSOR) and send a test alarm (test alarm) first");
                }

                var id = await _ctx.Services.Commissioning.SendAsync(report, ct).ConfigureAwait(false);
                _ctx.Audit("commission-finish", $"{report.Summary} (event {id})");
                await _ctx.WriteLineAsync($"{report.Summary}\ncommissioning record sent to the centre (event {id})").ConfigureAwait(false);
                return;
            default:
                throw new CommandUsageException($"commission {args[0]}: expected {usage}");
        }
    }

    private async Task ColorAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 1, 1, "color on|off");
        _ctx.Color = args[0].ToLowerInvariant() switch
        {
            "on" => true,
            "off" => false,
            _ => throw new CommandUsageException($"color {args[0]}: expected on or off"),
        };
        await _ctx.WriteLineAsync(_ctx.Color ? _ctx.Paint("colours on", ConsoleColor.Green) : "colours off").ConfigureAwait(false);
    }

    private async Task LogoutAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 0, 0, "logout");
        _ctx.Audit("logout", "by the technician");
        _ctx.LogoutRequested = true;
        var staged = _ctx.Services.Config.HasStagedChanges ? " (staged config changes are kept, not applied)" : string.Empty;
        await _ctx.WriteLineAsync($"logged out{staged}").ConfigureAwait(false);
    }

    private async Task PrintAsync(ConfigResult result)
    {
        foreach (var line in result.Lines)
        {
            if (result.Ok)
            {
                await _ctx.WriteLineAsync(line).ConfigureAwait(false);
            }
            else
            {
                await _ctx.ErrorAsync(line).ConfigureAwait(false);
            }
        }
    }

    private SensorInfo FindSensor(string id)
    {
        var sensors = _ctx.Services.Sensors.List();
        return sensors.FirstOrDefault(s => s.SensorId.Equals(id, StringComparison.OrdinalIgnoreCase))
            ?? throw new CommandUsageException($"no sensor '{id}': expected one of {(sensors.Count == 0 ? "(none configured)" : string.Join(", ", sensors.Select(s => s.SensorId)))}");
    }

    private static string SensorLine(SensorInfo s) =>
        $"{s.SensorId} ({Kind(s.Kind)}) {s.Last?.Text ?? "no value yet"}";

    private static string Kind(SensorKind kind) => kind switch
    {
        SensorKind.DoorContact => "door",
        SensorKind.BedMat => "bed mat",
        SensorKind.ChairMat => "chair mat",
        SensorKind.HelpButton => "help button",
        SensorKind.FlowMeter => "water flow",
        SensorKind.Accelerometer => "accelerometer",
        SensorKind.SmokeDetector => "smoke detector",
        SensorKind.SmokeDetectorFault => "smoke detector fault",
        SensorKind.MedicationDispenser => "medication dispenser",
        SensorKind.DispenserFault => "dispenser fault",
        SensorKind.StoveGuard => "stove guard",
        SensorKind.StoveGuardFault => "stove guard fault",
        SensorKind.Motion => "motion",
        _ => kind.ToString(),
    };

    private static string Duration(TimeSpan t) =>
        t.TotalDays >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalDays}d {t:hh\\:mm\\:ss}")
            : t.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);

    private static void Expect(IReadOnlyList<string> args, int min, int max, string usage)
    {
        if (args.Count < min || args.Count > max)
        {
            throw new CommandUsageException($"expected {usage}");
        }
    }

    private static int ParseInt(string text, int min, int max, string what)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new CommandUsageException($"{what} '{text}': expected a whole number from {min} to {max}");
        }

        return value;
    }

    private sealed record Spec(string Name, string Usage, string Summary, string Details, Handler Handler);
}
