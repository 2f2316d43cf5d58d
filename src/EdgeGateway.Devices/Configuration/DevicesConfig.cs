using System.Globalization;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Devices.Contacts;

namespace EdgeGateway.Devices.Configuration;

/// <summary>The "Devices" section of the gateway config: what is wired to which pin or bus address.</summary>
/// <remarks>The host binds it from JSON; <see cref="Validate"/> refuses a bad one before anything is opened.</remarks>
public sealed class DevicesConfig
{
    /// <summary>Where the devices sit in the gateway's config file: the prefix of every key in its issues.</summary>
    public static ConfigKey Key { get; } = ConfigKey.Of("devices");

    /// <summary>BCM pins the Pi's I2C-1 uses (SDA, SCL): never free for contacts.</summary>
    public static readonly IReadOnlySet<int> I2cPins = new HashSet<int> { 2, 3 };

    /// <summary>BCM pins of the primary UART (TXD, RXD), kept for the technician console.</summary>
    public static readonly IReadOnlySet<int> UartPins = new HashSet<int> { 14, 15 };

    /// <summary>Door contacts, mats and pull cords.</summary>
    public List<ContactConfig> Contacts { get; set; } = [];

    /// <summary>Pulse water meters.</summary>
    public List<FlowMeterConfig> FlowMeters { get; set; } = [];

    /// <summary>I2C accelerometers.</summary>
    public List<AccelerometerConfig> Accelerometers { get; set; } = [];

    /// <summary>The worn accelerometer and help button over Bluetooth LE (the Puck.js on a belt clip); null when the home has none.</summary>
    public WearableConfig? Wearable { get; set; }

    /// <summary>Buzzer, LED and valve relay.</summary>
    public OutputsConfig Outputs { get; set; } = new();

    /// <summary>The home's power source (mains and battery), or null when the gateway is not told about its power.</summary>
    public PowerConfig? Power { get; set; }

    /// <summary>The 4G modem of the secondary path, checked through ModemManager; null when the home has none (no check).</summary>
    public ModemConfig? Modem { get; set; }

    /// <summary>The Pi's own health check (CPU temperature, under-voltage, free space); null for no check.</summary>
    public BoardConfig? Board { get; set; }

    /// <summary>The old place of the gateway-wide <c>data_directory</c>: still read from an old file (with a warning naming the new key), never written.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Every problem, each naming its key (devices.contacts.1.pin) and what is wrong; empty when valid.</summary>
    public IReadOnlyList<ConfigIssue> Validate()
    {
        var errors = new List<ConfigIssue>();
        var pins = new Dictionary<int, ConfigKey>();
        var ids = new Dictionary<string, ConfigKey>(StringComparer.Ordinal);

        void Pin(ConfigKey key, int? pin, bool required = true)
        {
            if (pin is not { } p)
            {
                if (required)
                {
                    errors.Add(new(key, "missing; give the BCM GPIO number"));
                }

                return;
            }

            if (p is < 0 or > 27)
            {
                errors.Add(new(key, $"GPIO {p} does not exist on the Pi header; use BCM 0–27"));
            }
            else if (I2cPins.Contains(p))
            {
                errors.Add(new(key, $"GPIO {p} is reserved for I2C (SDA1/SCL1, used by the accelerometer)"));
            }
            else if (UartPins.Contains(p))
            {
                errors.Add(new(key, $"GPIO {p} is reserved for the UART (technician console)"));
            }
            else if (!pins.TryAdd(p, key))
            {
                errors.Add(ConfigIssue.Naming(key, pins[p], other => $"GPIO {p} is already used by {other}"));
            }
        }

        void Id(ConfigKey key, string? id)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                errors.Add(new(key, "missing; give a sensor id such as \"front-door\""));
            }
            else if (id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            {
                errors.Add(new(key, $"'{id}' may contain only letters, digits, '-' and '_'"));
            }
            else if (!ids.TryAdd(id, key))
            {
                errors.Add(ConfigIssue.Naming(key, ids[id], other => $"sensor id '{id}' is already used by {other}"));
            }
        }

        void Positive(ConfigKey key, TimeSpan? value, bool allowZero = false)
        {
            if (value is { } v && (v < TimeSpan.Zero || (!allowZero && v == TimeSpan.Zero)))
            {
                errors.Add(new(key, $"{v} must be {(allowZero ? "zero or more" : "more than zero")}"));
            }
        }

        for (var i = 0; i < Contacts.Count; i++)
        {
            var c = Contacts[i];
            var key = Key.Field(nameof(Contacts)).Then(i);
            Id(key.Field(nameof(c.SensorId)), c.SensorId);
            if (!ContactConfig.TryParseKind(c.Kind, out _))
            {
                errors.Add(new(key.Field(nameof(c.Kind)), $"unknown sensor kind '{c.Kind}'; expected one of {string.Join(", ", ContactConfig.Kinds)}"));
            }

            Pin(key.Field(nameof(c.Pin)), c.Pin);
            Positive(key.Field(nameof(c.Debounce)), c.Debounce);
            Positive(key.Field(nameof(c.SilentAfter)), c.SilentAfter);
            Positive(key.Field(nameof(c.StuckActiveAfter)), c.StuckActiveAfter);
            Pin(key.Field(nameof(c.SupervisionPin)), c.SupervisionPin, required: false);
            if (c.FlappingMaxChangesPerMinute is < 1)
            {
                errors.Add(new(key.Field(nameof(c.FlappingMaxChangesPerMinute)), $"{c.FlappingMaxChangesPerMinute} must be at least 1"));
            }
        }

        for (var i = 0; i < FlowMeters.Count; i++)
        {
            var f = FlowMeters[i];
            var key = Key.Field(nameof(FlowMeters)).Then(i);
            Id(key.Field(nameof(f.SensorId)), f.SensorId);
            Pin(key.Field(nameof(f.Pin)), f.Pin);
            if (f.PulsesPerLitre is not { } k)
            {
                errors.Add(new(key.Field(nameof(f.PulsesPerLitre)), "missing; about 450 for a YF-S201, 1 for a utility meter's reed output"));
            }
            else if (!(k > 0) || double.IsInfinity(k))
            {
                errors.Add(new(key.Field(nameof(f.PulsesPerLitre)), $"{k.ToString(CultureInfo.InvariantCulture)} must be more than zero (pulses per litre from the meter's datasheet)"));
            }

            Positive(key.Field(nameof(f.Debounce)), f.Debounce, allowZero: true);
        }

        var addresses = new Dictionary<(int, int), ConfigKey>();
        for (var i = 0; i < Accelerometers.Count; i++)
        {
            var a = Accelerometers[i];
            var key = Key.Field(nameof(Accelerometers)).Then(i);
            Id(key.Field(nameof(a.SensorId)), a.SensorId);
            int[]? valid = a.Chip?.ToUpperInvariant() switch
            {
                "ADXL345" => [0x53, 0x1D],
                "MPU6050" or "MPU-6050" => [0x68, 0x69],
                _ => null,
            };
            if (valid is null)
            {
                errors.Add(new(key.Field(nameof(a.Chip)), $"unknown sensor kind '{a.Chip}'; expected ADXL345 or MPU6050"));
            }
            else if (!valid.Contains(a.Address))
            {
                errors.Add(new(key.Field(nameof(a.Address)), $"0x{a.Address:X2} is not an address the {a.Chip} can have; expected {string.Join(" or ", valid.Select(v => $"0x{v:X2}"))}"));
            }

            if (a.Bus < 0)
            {
                errors.Add(new(key.Field(nameof(a.Bus)), $"{a.Bus} is not an I2C bus number (/dev/i2c-1 is bus 1)"));
            }
            else if (!addresses.TryAdd((a.Bus, a.Address), key))
            {
                errors.Add(ConfigIssue.Naming(key.Field(nameof(a.Address)), addresses[(a.Bus, a.Address)], other => $"0x{a.Address:X2} on bus {a.Bus} is already used by {other}"));
            }

            if (a.SampleRateHz is not (50 or 100 or 200 or 400))
            {
                errors.Add(new(key.Field(nameof(a.SampleRateHz)), $"{a.SampleRateHz.ToString(CultureInfo.InvariantCulture)} is not supported; use 50, 100, 200 or 400"));
            }
        }

        if (Wearable is { } w)
        {
            var key = Key.Field(nameof(Wearable));
            Id(key.Field(nameof(w.SensorId)), w.SensorId);
            if (w.SensorId is not null)
            {
                // The button is a help input of its own (a pendant's), declared beside the accelerometer under this id.
                Id(key.Field(nameof(w.SensorId)), w.ButtonSensorId);
            }

            w.Validate(key, errors);
        }

        Pin(Key.Field(nameof(Outputs)).Field(nameof(OutputsConfig.BuzzerPin)), Outputs.BuzzerPin, required: false);
        Pin(Key.Field(nameof(Outputs)).Field(nameof(OutputsConfig.LedPin)), Outputs.LedPin, required: false);
        Pin(Key.Field(nameof(Outputs)).Field(nameof(OutputsConfig.ValveRelayPin)), Outputs.ValveRelayPin, required: false);
        if (Power is { } power)
        {
            var key = Key.Field(nameof(Power));
            errors.AddRange(power.Validate(key));
            if (power.Source == "dc-ups")
            {
                Pin(key.Field(nameof(power.AcOkPin)), power.AcOkPin, required: false);
                Pin(key.Field(nameof(power.BatteryLowPin)), power.BatteryLowPin, required: false);
            }
            else if (power.Source is "ina219" or "pijuice" && addresses.TryGetValue((power.Bus, power.EffectiveAddress), out var taken))
            {
                errors.Add(ConfigIssue.Naming(key.Field(nameof(power.Address)), taken, other => $"0x{power.EffectiveAddress:X2} on bus {power.Bus} is already used by {other}"));
            }
        }

        Modem?.Validate(Key.Field(nameof(Modem)), errors);
        Board?.Validate(Key.Field(nameof(Board)), errors);
        return errors;
    }
}

/// <summary>One contact input.</summary>
public sealed class ContactConfig
{
    /// <summary>The kinds a contact may be, by config name.</summary>
    public static readonly IReadOnlyList<string> Kinds =
    [
        "DoorContact", "BedMat", "ChairMat", "HelpButton",
        "MedicationDispenser", "DispenserFault", "SmokeDetector", "SmokeDetectorFault", "StoveGuard", "StoveGuardFault", "Motion",
    ];

    /// <summary>How long a PIR may stay active without a break before it counts as stuck on, unless the config says otherwise.</summary>
    public static readonly TimeSpan DefaultMotionStuckAfter = TimeSpan.FromHours(2);

    /// <summary>Sensor id.</summary>
    public string? SensorId { get; set; }

    /// <summary>One of <see cref="Kinds"/>.</summary>
    public string? Kind { get; set; }

    /// <summary>BCM GPIO number.</summary>
    public int? Pin { get; set; }

    /// <summary>Pin bias.</summary>
    public ContactPull Pull { get; set; } = ContactPull.Up;

    /// <summary>NO or NC wiring.</summary>
    public ContactWiring Wiring { get; set; } = ContactWiring.NormallyOpen;

    /// <summary>Debounce; null for the default 50 ms.</summary>
    public TimeSpan? Debounce { get; set; }

    /// <summary>Flapping limit; null for the default.</summary>
    public int? FlappingMaxChangesPerMinute { get; set; }

    /// <summary>Silence supervision window; null disables it.</summary>
    public TimeSpan? SilentAfter { get; set; }

    /// <summary>Active without a break this long is a fault; null: off, except a Motion sensor's 2 h (<see cref="DefaultMotionStuckAfter"/>).</summary>
    public TimeSpan? StuckActiveAfter { get; set; }

    /// <summary>BCM GPIO of the device's complementary (NC) contact, for wire-cut supervision; null for one wire.</summary>
    public int? SupervisionPin { get; set; }

    /// <summary>Parses a contact kind name (case-insensitive).</summary>
    public static bool TryParseKind(string? name, out SensorKind kind)
    {
        kind = default;
        var match = Kinds.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        return match is not null && Enum.TryParse(match, out kind);
    }

    /// <summary>The options for <see cref="ContactInput"/>; call only on a validated config.</summary>
    public ContactInputOptions ToOptions()
    {
        if (!TryParseKind(Kind, out var kind) || SensorId is null || Pin is not { } pin)
        {
            throw new InvalidOperationException($"contact '{SensorId}' is not valid; run DevicesConfig.Validate first");
        }

        var defaults = new ContactInputOptions { SensorId = SensorId, Kind = kind, Pin = pin };
        return defaults with
        {
            Pull = Pull,
            Wiring = Wiring,
            Debounce = Debounce ?? defaults.Debounce,
            FlappingMaxChangesPerMinute = FlappingMaxChangesPerMinute ?? defaults.FlappingMaxChangesPerMinute,
            SilentAfter = SilentAfter,
            StuckActiveAfter = StuckActiveAfter ?? (kind == SensorKind.Motion ? DefaultMotionStuckAfter : null),
            SupervisionPin = SupervisionPin,
        };
    }
}

/// <summary>One pulse water meter.</summary>
public sealed class FlowMeterConfig
{
    /// <summary>Sensor id.</summary>
    public string? SensorId { get; set; }

    /// <summary>BCM GPIO number.</summary>
    public int? Pin { get; set; }

    /// <summary>K-factor in pulses per litre.</summary>
    public double? PulsesPerLitre { get; set; }

    /// <summary>Reed meters need ~20 ms; Hall sensors zero.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.Zero;
}

/// <summary>One I2C accelerometer.</summary>
public sealed class AccelerometerConfig
{
    /// <summary>Sensor id.</summary>
    public string? SensorId { get; set; }

    /// <summary>ADXL345 or MPU6050.</summary>
    public string? Chip { get; set; }

    /// <summary>I2C bus number (1 = /dev/i2c-1 on BCM 2/3).</summary>
    public int Bus { get; set; } = 1;

    /// <summary>7-bit I2C address.</summary>
    public int Address { get; set; }

    /// <summary>Output data rate.</summary>
    public double SampleRateHz { get; set; } = 200;
}

/// <summary>The wearable (issue 31): its Bluetooth address and how it is supervised.</summary>
public sealed class WearableConfig
{
    private static readonly System.Text.RegularExpressions.Regex AddressPattern = new("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>Sensor id of its samples and supervision events.</summary>
    public string? SensorId { get; set; } = "wearable";

    /// <summary>Its Bluetooth address (AA:BB:CC:DD:EE:FF), written by the console's <c>wearable pair</c>; a simulated home needs none.</summary>
    public string? Address { get; set; }

    /// <summary>Seconds without samples before <c>technical.wearable-lost</c> (5–600).</summary>
    public int LostAfterSeconds { get; set; } = 30;

    /// <summary>Charge in percent at or below which the cell is low.</summary>
    public int BatteryLowPercent { get; set; } = 20;

    /// <summary>Charge in percent at or below which the cell is critical (raised to the centre for a nurse).</summary>
    public int BatteryCriticalPercent { get; set; } = 10;

    /// <summary>The sensor id of its button: a help input like a pull cord.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string ButtonSensorId => SensorId + "-button";

    /// <summary>The supervision options; call only on a validated config.</summary>
    public Wearable.WearableInputOptions ToOptions() => new()
    {
        SensorId = SensorId!,
        LostAfter = TimeSpan.FromSeconds(LostAfterSeconds),
        BatteryLowPercent = BatteryLowPercent,
        BatteryCriticalPercent = BatteryCriticalPercent,
    };

    internal void Validate(ConfigKey key, List<ConfigIssue> errors)
    {
        if (Address is not null && !AddressPattern.IsMatch(Address))
        {
            errors.Add(new(key.Field(nameof(Address)), $"'{Address}' is not a Bluetooth address; expected six hex pairs separated by colons, e.g. AA:BB:CC:DD:EE:FF"));
        }

        if (LostAfterSeconds is < 5 or > 600)
        {
            errors.Add(new(key.Field(nameof(LostAfterSeconds)), $"{LostAfterSeconds} must be 5–600 (seconds without samples before the wearable counts as lost; 30 is usual)"));
        }

        if (BatteryLowPercent is < 2 or > 90)
        {
            errors.Add(new(key.Field(nameof(BatteryLowPercent)), $"{BatteryLowPercent} must be 2–90 (percent; 20 is usual)"));
        }

        if (BatteryCriticalPercent < 1 || BatteryCriticalPercent >= BatteryLowPercent)
        {
            errors.Add(new(key.Field(nameof(BatteryCriticalPercent)), $"{BatteryCriticalPercent} must be at least 1 and below battery_low_percent ({BatteryLowPercent})"));
        }
    }
}

/// <summary>The 4G modem check: how often, and the weakest signal that still counts as a working secondary path.</summary>
public sealed class ModemConfig
{
    /// <summary>Minutes between checks (1–1440).</summary>
    public int CheckMinutes { get; set; } = 10;

    /// <summary>Signal quality in percent (0–100) below which the secondary path is reported faulty.</summary>
    public double MinSignalPercent { get; set; } = 20;

    /// <summary>The options of <see cref="Modem.ModemCheck"/>; call only on a validated config.</summary>
    public Modem.ModemCheckOptions ToOptions() => new()
    {
        Interval = TimeSpan.FromMinutes(CheckMinutes),
        MinSignal = UnitsNet.Ratio.FromPercent(MinSignalPercent),
    };

    internal void Validate(ConfigKey key, List<ConfigIssue> errors)
    {
        if (CheckMinutes is < 1 or > 1440)
        {
            errors.Add(new(key.Field(nameof(CheckMinutes)), $"{CheckMinutes} must be 1–1440 (minutes between modem checks; 10 is usual)"));
        }

        if (!(MinSignalPercent is >= 0 and <= 100))
        {
            errors.Add(new(key.Field(nameof(MinSignalPercent)), $"{MinSignalPercent.ToString(CultureInfo.InvariantCulture)} must be 0–100 (ModemManager's signal quality in percent)"));
        }
    }
}

/// <summary>The Pi's own health check: how often, and the limits that raise a board fault.</summary>
public sealed class BoardConfig
{
    /// <summary>Seconds between checks (10–3600).</summary>
    public int CheckSeconds { get; set; } = 60;

    /// <summary>CPU temperature in °C (50–100) at which the board is too hot; restored 5 °C below.</summary>
    public double MaxCpuCelsius { get; set; } = 80;

    /// <summary>Free space of the data directory in percent (1–50) below which it is nearly full; restored 2 points above.</summary>
    public double MinFreePercent { get; set; } = 10;

    /// <summary>The options of <see cref="Board.BoardCheck"/>; call only on a validated config.</summary>
    public Board.BoardCheckOptions ToOptions() => new()
    {
        Interval = TimeSpan.FromSeconds(CheckSeconds),
        MaxCpuTemperature = UnitsNet.Temperature.FromDegreesCelsius(MaxCpuCelsius),
        MinFreeSpace = UnitsNet.Ratio.FromPercent(MinFreePercent),
    };

    internal void Validate(ConfigKey key, List<ConfigIssue> errors)
    {
        if (CheckSeconds is < 10 or > 3600)
        {
            errors.Add(new(key.Field(nameof(CheckSeconds)), $"{CheckSeconds} must be 10–3600 (seconds between board checks; 60 is usual)"));
        }

        if (!(MaxCpuCelsius is >= 50 and <= 100))
        {
            errors.Add(new(key.Field(nameof(MaxCpuCelsius)), $"{MaxCpuCelsius.ToString(CultureInfo.InvariantCulture)} must be 50–100 °C (the Pi throttles from 80 °C)"));
        }

        if (!(MinFreePercent is >= 1 and <= 50))
        {
            errors.Add(new(key.Field(nameof(MinFreePercent)), $"{MinFreePercent.ToString(CultureInfo.InvariantCulture)} must be 1–50 (percent of the data directory's file system)"));
        }
    }
}

/// <summary>The alarm outputs; a missing pin means not fitted.</summary>
public sealed class OutputsConfig
{
    /// <summary>Buzzer driver transistor pin.</summary>
    public int? BuzzerPin { get; set; }

    /// <summary>Status LED pin.</summary>
    public int? LedPin { get; set; }

    /// <summary>Valve relay pin.</summary>
    public int? ValveRelayPin { get; set; }

    /// <summary>False for the common active-low relay boards.</summary>
    public bool ValveRelayActiveHigh { get; set; } = true;
}
