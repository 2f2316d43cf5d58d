using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeGateway.Contract;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Rules;
using EdgeGateway.Devices.Configuration;

namespace EdgeGateway.Configuration;

/// <summary>The whole gateway configuration: one JSON file, validated as a whole before anything starts.</summary>
internal sealed class GatewayConfig
{
    /// <summary>
    /// The keys whose values never leave the gateway (command replies, history, console, audit, logs), shown as "(secret)".
    /// The PIN hash is one: a 4-digit PIN is recovered from its PBKDF2 hash in minutes. The uplink's password_file and
    /// key_file are paths, not secrets; what they hold is read only by the link and never enters the config or a message.
    /// </summary>
    public static ConfigSecrets Secrets { get; } = new(["console.pin_hash"]);

    /// <summary>The gateway's id: MQTT topic level, event source.</summary>
    public string GatewayId { get; set; } = "";

    /// <summary>Run on simulated GPIO and I2C (the demo home, tests); never on a real installation.</summary>
    public bool Simulated { get; set; }

    /// <summary>Where the gateway keeps its state: outbox, flow totals, config versions, replay window, audit log.</summary>
    public string DataDirectory { get; set; } = "/var/lib/edgegateway";

    /// <summary>What loaded but should be changed in the file (an old key), each naming the key to use instead.</summary>
    [JsonIgnore]
    public IReadOnlyList<ConfigIssue> Warnings { get; private set; } = [];

    /// <summary>The sensors and outputs wired to the Pi.</summary>
    public DevicesConfig Devices { get; set; } = new();

    /// <summary>The care rules of this home. Its sensor list is derived from <see cref="Devices"/>.</summary>
    public HomeRulesConfig Rules { get; set; } = new();

    /// <summary>The link to the centre.</summary>
    public UplinkConfig Uplink { get; set; } = new();

    /// <summary>The technician console.</summary>
    public ConsoleConfig Console { get; set; } = new();

    /// <summary>Updates from the centre (install folder, trusted keys, health gate).</summary>
    public UpdateConfig Update { get; set; } = new();

    /// <summary>The uplink paths (primary, and secondary when configured) with this gateway's TLS identity.</summary>
    public IReadOnlyList<EdgeGateway.Uplink.Mqtt.UplinkPath> UplinkPaths()
    {
        var security = new EdgeGateway.Contract.LinkSecurity
        {
            CaFile = Uplink.CaFile,
            CertFile = Uplink.CertFile,
            KeyFile = Uplink.KeyFile,
            Username = Uplink.Username,
            PasswordFile = Uplink.PasswordFile,
            PlainLoopbackDemo = Uplink.PlainLoopbackDemo,
        };
        return EdgeGateway.Uplink.Mqtt.UplinkPath.For(
            EdgeGateway.Contract.MqttEndpoint.Parse(Uplink.Broker!),
            Uplink.SecondaryBroker is { Length: > 0 } secondary ? EdgeGateway.Contract.MqttEndpoint.Parse(secondary) : null,
            security);
    }

    /// <summary>The rules with their sensor declarations taken from the devices, so a sensor is declared once.</summary>
    [JsonIgnore]
    public HomeRulesConfig EffectiveRules => Rules with { Sensors = [.. DeclaredSensors()] };

    /// <summary>Every problem in the config, each naming its key as the file spells it (devices.contacts.0.pin); empty when it can be started.</summary>
    public IReadOnlyList<ConfigIssue> Validate()
    {
        var errors = new List<ConfigIssue>();
        if (CareEventFactory.GatewayIdProblem(GatewayId) is { } idProblem)
        {
            errors.Add(new(Key(nameof(GatewayId)), idProblem));
        }

        errors.AddRange(Devices.Validate());
        if (!Simulated && Devices.Wearable is { Address: null })
        {
            errors.Add(new(DevicesConfig.Key.Field(nameof(DevicesConfig.Wearable)).Field(nameof(WearableConfig.Address)), "missing; pair the wearable at the console (wearable pair) or give its Bluetooth address"));
        }

        if (Devices.FlowMeters.Count > 0 && string.IsNullOrWhiteSpace(DataDirectory))
        {
            errors.Add(new(Key(nameof(DataDirectory)), "missing; flow totals must survive a power cut"));
        }

        var outputs = DevicesConfig.Key.Field(nameof(DevicesConfig.Outputs));
        if (Devices.Outputs.BuzzerPin is null)
        {
            errors.Add(new(outputs.Field(nameof(OutputsConfig.BuzzerPin)), "missing; the gateway must be able to alarm locally"));
        }

        if (Devices.Outputs.LedPin is null)
        {
            errors.Add(new(outputs.Field(nameof(OutputsConfig.LedPin)), "missing; the status LED shows the resident and the technician that the gateway is armed"));
        }

        errors.AddRange(EffectiveRules.Validate(Key(nameof(Rules))));
        var uplink = Key(nameof(Uplink));
        if (string.IsNullOrWhiteSpace(Uplink.Broker))
        {
            errors.Add(new(uplink.Field(nameof(UplinkConfig.Broker)), "missing; give the centre's broker URL (mqtts://host:8883)"));
        }

        foreach (var (key, url) in new[] { (nameof(UplinkConfig.Broker), Uplink.Broker), (nameof(UplinkConfig.SecondaryBroker), Uplink.SecondaryBroker) })
        {
            if (string.IsNullOrWhiteSpace(url))
            {
                continue;
            }

            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "mqtts"))
            {
                errors.Add(new(uplink.Field(key), $"'{url}' is not an mqtt:// or mqtts:// URL"));
            }
            else if (uri.Scheme == "mqtt" && !(Uplink.PlainLoopbackDemo && EdgeGateway.Contract.LinkSecurity.IsLoopback(uri.Host)))
            {
                errors.Add(ConfigIssue.Naming(
                    uplink.Field(key),
                    uplink.Field(nameof(UplinkConfig.PlainLoopbackDemo)),
                    demo => $"'{url}' is plain TCP; the link to the centre must be mqtts:// (plain TCP only with {demo} to a loopback broker)"));
            }
        }

        if (Uplink.FailBackHoldSeconds is < 0 or > 3600)
        {
            errors.Add(new(uplink.Field(nameof(UplinkConfig.FailBackHoldSeconds)), $"{Uplink.FailBackHoldSeconds} is out of range; expected 0–3600"));
        }

        var console = Key(nameof(Console));

        // A real installation refuses the demo PIN (and a missing one): the console opens the whole home's config.
        if (!Simulated && TechnicianConsole.Security.PinPolicy.DefaultPinProblem(Console.PinHash) is { } pinProblem)
        {
            errors.Add(new(console.Field(nameof(ConsoleConfig.PinHash)), $"{pinProblem}; make one with 'edgegateway pin-hash'"));
        }

        if (Console.IdleLogoutMinutes is < 1 or > 240)
        {
            errors.Add(new(console.Field(nameof(ConsoleConfig.IdleLogoutMinutes)), $"{Console.IdleLogoutMinutes} is out of range; expected 1–240"));
        }

        if (Uplink.HeartbeatSeconds is < HeartbeatLimits.MinSeconds or > HeartbeatLimits.MaxSeconds)
        {
            errors.Add(new(uplink.Field(nameof(UplinkConfig.HeartbeatSeconds)), $"{Uplink.HeartbeatSeconds} is out of range; expected {HeartbeatLimits.MinSeconds}–{HeartbeatLimits.MaxSeconds} (the centre believes no longer interval)"));
        }

        if (Uplink.KeepAliveSeconds is < 1 or > 600)
        {
            errors.Add(new(uplink.Field(nameof(UplinkConfig.KeepAliveSeconds)), $"{Uplink.KeepAliveSeconds} is out of range; expected 1–600"));
        }

        // Four hours is social-alarm practice's longest delay of a power-loss report; a longer wait would hide a home's
        // battery and technical faults from the centre for most of a shift.
        if (Uplink.RoutineSpreadSeconds is < 0 or > 14_400)
        {
            errors.Add(new(uplink.Field(nameof(UplinkConfig.RoutineSpreadSeconds)), $"{Uplink.RoutineSpreadSeconds} is out of range; expected 0–14400 (0 sends routine reports at once after an outage; alarms never wait)"));
        }

        if (Uplink.OutageThresholdSeconds is < 5 or > 3600)
        {
            errors.Add(new(uplink.Field(nameof(UplinkConfig.OutageThresholdSeconds)), $"{Uplink.OutageThresholdSeconds} is out of range; expected 5–3600"));
        }

        errors.AddRange(ValidateUpdate());
        return errors;
    }

    private IEnumerable<ConfigIssue> ValidateUpdate()
    {
        var update = Key(nameof(Update));
        foreach (var (name, path) in new[] { (nameof(UpdateConfig.InstallDir), Update.InstallDir), (nameof(UpdateConfig.KeysDir), Update.KeysDir) })
        {
            if (string.IsNullOrWhiteSpace(path) || !Path.IsPathRooted(path))
            {
                yield return new(update.Field(name), $"'{path}' is not an absolute path");
            }
        }

        if (Update.GateSeconds is < Contract.UpdateGateLimits.MinSeconds or > Contract.UpdateGateLimits.MaxSeconds)
        {
            yield return new(update.Field(nameof(UpdateConfig.GateSeconds)), $"{Update.GateSeconds} is out of range; expected {Contract.UpdateGateLimits.MinSeconds}–{Contract.UpdateGateLimits.MaxSeconds} (time for the uplink and an acknowledged test alarm)");
        }

        if (Update.MaxStarts is < 1 or > 20)
        {
            yield return new(update.Field(nameof(UpdateConfig.MaxStarts)), $"{Update.MaxStarts} is out of range; expected 1–20");
        }

        if (Update.CaFile is { } ca && (string.IsNullOrWhiteSpace(ca) || !Path.IsPathRooted(ca)))
        {
            yield return new(update.Field(nameof(UpdateConfig.CaFile)), $"'{ca}' is not an absolute path to a PEM file");
        }
    }

    private static ConfigKey Key(string property) => ConfigKey.Root.Field(property);

    /// <summary>Reads a config file, applies command-line <paramref name="overrides"/>, and validates the result; the exception lists every problem with its key, line and column.</summary>
    /// <exception cref="ConfigurationException">The file is missing, not JSON of this shape, or invalid.</exception>
    public static GatewayConfig Load(string path, Action<GatewayConfig>? overrides = null)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException([new ConfigIssue(ConfigKey.Root, $"cannot be read: {ex.Message}")], path);
        }

        var issues = Check(json, overrides, out var config);
        return issues.Count == 0 ? config! : throw new ConfigurationException(issues, path);
    }

    /// <summary>Parses config JSON without validating its values; every unknown key or value of the wrong kind is listed, with line and column, so a typo cannot silently disable a rule.</summary>
    /// <exception cref="ConfigurationException">The text is not JSON of this shape.</exception>
    public static GatewayConfig Parse(string json, string origin)
    {
        var check = ConfigFileCheck.Run(json, Secrets, out _);
        if (check.Issues.Count > 0)
        {
            throw new ConfigurationException(check.Issues, origin);
        }

        var config = JsonSerializer.Deserialize(json, GatewayConfigJson.Default.GatewayConfig)
            ?? throw new ConfigurationException([NullFile], origin);
        var issues = new List<ConfigIssue>();
        config.Warnings = config.MoveOldKeys(check, issues);
        return issues.Count == 0 ? config : throw new ConfigurationException(issues, origin);
    }

    /// <summary>
    /// Every problem of config <paramref name="json"/> at once: its shape (unknown keys, values of the wrong kind) and its
    /// values (pins, rules, broker), each with key, line and column where the file has them. <paramref name="config"/> is
    /// the parsed config when there are none.
    /// </summary>
    public static IReadOnlyList<ConfigIssue> Check(string json, Action<GatewayConfig>? overrides, out GatewayConfig? config)
    {
        config = null;
        var check = ConfigFileCheck.Run(json, Secrets, out var cleaned);
        var issues = check.Issues.ToList();
        if (cleaned is null)
        {
            return issues;
        }

        GatewayConfig? parsed;
        try
        {
            parsed = cleaned.Deserialize(GatewayConfigJson.Default.GatewayConfig);
        }
        catch (JsonException) when (issues.Count > 0)
        {
            // The file's shape is broken in a way the cleaning did not undo; its problems are listed already.
            return issues;
        }

        if (parsed is null)
        {
            return [.. issues, NullFile];
        }

        var warnings = parsed.MoveOldKeys(check, issues);
        overrides?.Invoke(parsed);
        foreach (var issue in parsed.Validate())
        {
            if (!check.IsBroken(issue.Key))
            {
                issues.Add(check.Locate(issue));
            }
        }

        if (issues.Count == 0)
        {
            // Valid, and still a home whose resident cannot call for help: started, but never without a word.
            parsed.Warnings = ConfigGuards.NoHelpInput(parsed) is { } noHelp ? [.. warnings, noHelp] : warnings;
            config = parsed;
        }

        // In file order, as the technician goes through the file; problems without a place in it come last.
        return [.. issues.OrderBy(i => i.Line ?? int.MaxValue).ThenBy(i => i.Column ?? 0)];
    }

    /// <summary>
    /// Takes <c>devices.data_directory</c> of an older file as the top-level <c>data_directory</c>, with a warning naming
    /// the new key; the same directory given in both places with two values is a problem, since either could be meant.
    /// </summary>
    private List<ConfigIssue> MoveOldKeys(ConfigFileCheck check, List<ConfigIssue> issues)
    {
        if (Devices.DataDirectory is not { } old)
        {
            return [];
        }

        Devices.DataDirectory = null;
        var oldKey = DevicesConfig.Key.Field(nameof(DevicesConfig.DataDirectory));
        var newKey = Key(nameof(DataDirectory));
        if (check.Has(newKey) && DataDirectory != old)
        {
            issues.Add(check.Locate(ConfigIssue.Naming(oldKey, newKey, key => $"the data directory moved to the top-level key {key}, which says '{DataDirectory}'; remove {oldKey}")));
            return [];
        }

        DataDirectory = old;
        return [check.Locate(ConfigIssue.Naming(oldKey, newKey, key => $"is the old place of the data directory; move it to the top-level key {key}"))];
    }

    private static ConfigIssue NullFile => new(ConfigKey.Root, "the file holds null: expected a JSON object { … }");

    /// <summary>Serialises the config as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, GatewayConfigJson.Default.GatewayConfig);

    private IEnumerable<SensorDeclaration> DeclaredSensors()
    {
        foreach (var c in Devices.Contacts)
        {
            if (c.SensorId is not null && ContactConfig.TryParseKind(c.Kind, out var kind))
            {
                yield return new SensorDeclaration { Id = c.SensorId, Kind = kind };
            }
        }

        foreach (var f in Devices.FlowMeters.Where(f => f.SensorId is not null))
        {
            yield return new SensorDeclaration { Id = f.SensorId!, Kind = SensorKind.FlowMeter };
        }

        foreach (var a in Devices.Accelerometers.Where(a => a.SensorId is not null))
        {
            yield return new SensorDeclaration { Id = a.SensorId!, Kind = SensorKind.Accelerometer };
        }

        if (Devices.Wearable is { SensorId: not null } w)
        {
            yield return new SensorDeclaration { Id = w.SensorId, Kind = SensorKind.Accelerometer };
            yield return new SensorDeclaration { Id = w.ButtonSensorId, Kind = SensorKind.HelpButton };
        }
    }
}
