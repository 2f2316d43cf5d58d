using EdgeGateway.Configuration;

namespace EdgeGateway.Runtime;

/// <summary>The states a heartbeat and a status reply carry, built here only: the outputs both report, and what each adds.</summary>
internal static class GatewayStates
{
    /// <summary>The heartbeat's states: buzzer, LED, number of active alarms, the running version, and power, modem, board and wearable when the home has them.</summary>
    public static Dictionary<string, string> Heartbeat(Home home)
    {
        var states = Outputs(home);
        states["alarms"] = home.Loop.ActiveAlarms.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // The release that runs (the archive's VERSION): the centre sees the fleet by version, and a rollout sees a home
        // come back on the version it was sent.
        states["version"] = VersionInfo.Running;

        // "0" is a home whose resident cannot call for help: a centre alarms on it, the gateway keeps running.
        states["help_inputs"] = ConfigGuards.HelpInputs(home.Config).ToString(System.Globalization.CultureInfo.InvariantCulture);
        AddPower(home, states);
        AddModem(home, states);
        AddBoard(home, states);
        AddWearable(home, states);
        return states;
    }

    /// <summary>The status reply's states: the uplink, then buzzer and LED.</summary>
    public static Dictionary<string, string> Status(Home home, bool uplinkUp)
    {
        var states = new Dictionary<string, string> { ["uplink"] = uplinkUp ? "up" : "down" };
        foreach (var (key, value) in Outputs(home))
        {
            states[key] = value;
        }

        AddPower(home, states);
        AddModem(home, states);
        AddBoard(home, states);
        AddWearable(home, states);
        return states;
    }

    /// <summary>The home's own health for the console's status: power, modem and board, as far as the home checks them.</summary>
    public static IReadOnlyList<TechnicianConsole.Services.HealthStatus> Health(Home home)
    {
        var lines = new List<TechnicianConsole.Services.HealthStatus>();
        var helpInputs = ConfigGuards.HelpInputs(home.Config);
        lines.Add(new("help input", helpInputs > 0, ConfigGuards.NoHelpInput(home.Config)?.ToString() ?? $"{helpInputs} help button(s) / pull cord(s)"));
        if (home.Power is { } monitor)
        {
            var power = monitor.State;
            var ok = power.Supply != Core.Power.PowerSupply.Battery && power.Battery == Core.Power.BatteryCondition.Normal && power.Reading.Fault is null;
            lines.Add(new("power", ok, $"{power}; {monitor.Description}"));
        }

        if (home.Modem is { } modem)
        {
            var verdict = modem.Verdict;
            var detail = verdict.Reason;
            if (modem.LastStatus is { LteRsrp: { } rsrp } s)
            {
                var inv = System.Globalization.CultureInfo.InvariantCulture;
                detail += $"; {(s.AccessTechnologies.Count > 0 ? string.Join(',', s.AccessTechnologies) : "?")} RSRP {rsrp.DecibelMilliwatts.ToString("0", inv)} dBm";
                detail += s.LteRsrq is { } rsrq ? $", RSRQ {rsrq.Decibels.ToString("0", inv)} dB" : "";
                detail += s.LteSnr is { } snr ? $", SNR {snr.Decibels.ToString("0.0", inv)} dB" : "";
            }

            lines.Add(new("4G modem", verdict.Problem == Devices.Modem.ModemProblem.None, modem.HasChecked ? detail : "not checked yet"));
        }

        if (home.Wearable is { } wearable)
        {
            var states = new Dictionary<string, string>();
            AddWearable(home, states);
            var ok = !wearable.IsLost && wearable.Battery is not (Devices.Wearable.WearableBattery.Low or Devices.Wearable.WearableBattery.Critical);
            lines.Add(new("wearable", ok, $"{states["wearable"]} ({wearable.Link.Status.Reason}), battery {states.GetValueOrDefault("wearable.battery_percent", "?")} %, {states["wearable.lost_samples"]} samples lost"));
        }

        if (home.Board is { } board)
        {
            var states = new Dictionary<string, string>();
            AddBoard(home, states);
            var faulted = board.Faulted;
            var text = board.Last is null ? "not checked yet" : string.Join(", ", states.Where(kv => kv.Key != "board").Select(kv => $"{kv.Key["board.".Length..]} {kv.Value}"));
            lines.Add(new("board", faulted.Count == 0, faulted.Count == 0 ? text : $"{string.Join(", ", faulted)}: {text}"));
        }

        return lines;
    }

    /// <summary>The wearable's values: wearable (lost, or the link's state), wearable.battery_percent, wearable.lost_samples; nothing when the home has no wearable.</summary>
    public static void AddWearable(Home home, Dictionary<string, string> states)
    {
        if (home.Wearable is not { } wearable)
        {
            return;
        }

        var inv = System.Globalization.CultureInfo.InvariantCulture;
        states["wearable"] = wearable.IsLost ? "lost" : Devices.Wearable.WearableInput.Describe(wearable.Link.Status.State);
        if (wearable.Link.BatteryPercent is { } percent)
        {
            states["wearable.battery_percent"] = percent.ToString(inv);
        }

        states["wearable.lost_samples"] = wearable.LostSamples.ToString(inv);
    }

    /// <summary>The board's values: board (ok or the parts at fault), board.cpu_celsius, board.undervoltage, board.throttled, board.free_mb, board.free_percent; nothing when the home does not check its board.</summary>
    public static void AddBoard(Home home, Dictionary<string, string> states)
    {
        if (home.Board is not { } board)
        {
            return;
        }

        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var faulted = board.Faulted;
        states["board"] = board.Last is null ? "unchecked" : faulted.Count == 0 ? "ok" : string.Join(',', faulted);
        if (board.Last is not { } r)
        {
            return;
        }

        if (r.CpuTemperature is { } t)
        {
            states["board.cpu_celsius"] = t.DegreesCelsius.ToString("0.0", inv);
        }

        if (r.Throttle is { } f)
        {
            states["board.undervoltage"] = (f & Devices.Board.ThrottleState.UnderVoltageNow) != 0 ? "yes" : "no";
            states["board.throttled"] = (f & (Devices.Board.ThrottleState.ThrottledNow | Devices.Board.ThrottleState.FrequencyCappedNow)) != 0 ? "yes" : "no";
        }

        if (r.FreeSpace is { } free)
        {
            states["board.free_mb"] = free.Megabytes.ToString("0", inv);
        }

        if (r.FreeShare is { } share)
        {
            states["board.free_percent"] = share.Percent.ToString("0", inv);
        }
    }

    /// <summary>The modem's verdict, registration and signal: modem (ok or the problem's code), modem.registration, modem.signal_percent, modem.rsrp_dbm…; nothing when the home has no modem.</summary>
    public static void AddModem(Home home, Dictionary<string, string> states)
    {
        if (home.Modem is not { } modem)
        {
            return;
        }

        var verdict = modem.Verdict;
        states["modem"] = !modem.HasChecked ? "unchecked" : verdict.Problem == Devices.Modem.ModemProblem.None ? "ok" : Devices.Modem.ModemProblems.Code(verdict.Problem);
        if (modem.LastStatus is not { } s)
        {
            return;
        }

        var inv = System.Globalization.CultureInfo.InvariantCulture;
        states["modem.state"] = s.State;
        states["modem.registration"] = s.Registration ?? "unknown";
        if (s.Operator is { } op)
        {
            states["modem.operator"] = op;
        }

        if (s.AccessTechnologies.Count > 0)
        {
            states["modem.access_tech"] = string.Join(',', s.AccessTechnologies);
        }

        if (s.SignalQuality is { } q)
        {
            states["modem.signal_percent"] = q.Percent.ToString("0", inv);
        }

        if (s.LteRsrp is { } rsrp)
        {
            states["modem.rsrp_dbm"] = rsrp.DecibelMilliwatts.ToString("0.0", inv);
        }

        if (s.LteRsrq is { } rsrq)
        {
            states["modem.rsrq_db"] = rsrq.Decibels.ToString("0.0", inv);
        }

        if (s.LteSnr is { } snr)
        {
            states["modem.snr_db"] = snr.Decibels.ToString("0.0", inv);
        }
    }

    private static Dictionary<string, string> Outputs(Home home) => new()
    {
        ["buzzer"] = home.Buzzer.Pattern.ToString(),
        ["led"] = home.Led.Pattern.ToString(),
    };

    /// <summary>Power as a line a person reads (power), and its parts for a centre to chart or alarm on (power.supply, power.charge_percent, power.time_left_h); nothing without a power source.</summary>
    public static void AddPower(Home home, Dictionary<string, string> states)
    {
        if (home.Power?.State is not { } power)
        {
            return;
        }

        var inv = System.Globalization.CultureInfo.InvariantCulture;
        states["power"] = power.ToString();
        states["power.supply"] = power.Supply.ToString().ToLowerInvariant();
        if (power.Charge is { } charge)
        {
            states["power.charge_percent"] = charge.Percent.ToString("0", inv);
        }

        if (power.TimeLeft is { } left)
        {
            states["power.time_left_h"] = left.TotalHours.ToString("0.0", inv);
        }
    }
}
