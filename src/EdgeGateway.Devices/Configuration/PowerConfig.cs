using System.Globalization;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Power;
using EdgeGateway.Devices.Power;
using UnitsNet;

namespace EdgeGateway.Devices.Configuration;

/// <summary>The home's power source (<c>devices.power</c>): which board reports mains and battery, and how the gateway judges it.</summary>
public sealed class PowerConfig
{
    /// <summary>The sources a config may name.</summary>
    public static readonly IReadOnlyList<string> Sources = ["dc-ups", "ina219", "pijuice"];

    /// <summary><c>dc-ups</c> (AC-OK and battery-low pins), <c>ina219</c> (Waveshare-style UPS HAT) or <c>pijuice</c>.</summary>
    public string? Source { get; set; }

    /// <summary>dc-ups: the BCM pin of the AC-OK signal (hardware/README.md: GPIO26).</summary>
    public int? AcOkPin { get; set; }

    /// <summary>dc-ups: whether the AC-OK pin reads low while mains is present (optocoupler to ground, the default).</summary>
    public bool AcOkActiveLow { get; set; } = true;

    /// <summary>dc-ups: the BCM pin of the battery-low signal, where the unit has one.</summary>
    public int? BatteryLowPin { get; set; }

    /// <summary>dc-ups: whether the battery-low pin reads low while the battery is low.</summary>
    public bool BatteryLowActiveLow { get; set; } = true;

    /// <summary>ina219/pijuice: the I2C bus number.</summary>
    public int Bus { get; set; } = 1;

    /// <summary>ina219/pijuice: the chip's address (default 0x42 for an INA219 HAT, 0x14 for the PiJuice).</summary>
    public int? Address { get; set; }

    /// <summary>ina219: Li-ion cells in series.</summary>
    public int CellsInSeries { get; set; } = 2;

    /// <summary>ina219: the shunt resistor, ohms.</summary>
    public double ShuntOhms { get; set; } = 0.1;

    /// <summary>The battery's usable capacity in mAh, for the time left on battery; leave out when unknown.</summary>
    public int? CapacityMah { get; set; }

    /// <summary>How often the source is read, seconds.</summary>
    public double PollSeconds { get; set; } = 5;

    /// <summary>How long mains must stay gone or back before it counts, seconds.</summary>
    public double MainsSettleSeconds { get; set; } = 10;

    /// <summary>Battery low at or below this charge on battery, percent.</summary>
    public double LowPercent { get; set; } = 30;

    /// <summary>The reserve: at or below it on battery the gateway ends gracefully, percent.</summary>
    public double ReservePercent { get; set; } = 10;

    /// <summary>How long the graceful end waits for pending events to be delivered before powering off, seconds.</summary>
    public double DeliverBeforeShutdownSeconds { get; set; } = 60;

    /// <summary>The command that powers the Pi off (its arguments follow).</summary>
    public List<string> ShutdownCommand { get; set; } = ["systemctl", "poweroff"];

    /// <summary>The I2C address in use, the source's default when none is given.</summary>
    /// <remarks>Derived, so never written: a file written by <c>ToJson</c> must load again, and the file has no such key.</remarks>
    [System.Text.Json.Serialization.JsonIgnore]
    public int EffectiveAddress => Address ?? (Source == "pijuice" ? 0x14 : 0x42);

    /// <summary>The monitor's options.</summary>
    public PowerMonitorOptions ToMonitorOptions() => new()
    {
        PollInterval = TimeSpan.FromSeconds(PollSeconds),
        MainsSettle = TimeSpan.FromSeconds(MainsSettleSeconds),
        LowCharge = Ratio.FromPercent(LowPercent),
        ReserveCharge = Ratio.FromPercent(ReservePercent),
        Capacity = CapacityMah is { } mah ? ElectricCharge.FromMilliampereHours(mah) : null,
    };

    /// <summary>The DC-UPS wiring (source dc-ups).</summary>
    public DcUpsWiring ToWiring() => new()
    {
        AcOkPin = AcOkPin ?? throw new InvalidOperationException("devices.power.ac_ok_pin is missing; validate first"),
        AcOkActiveLow = AcOkActiveLow,
        BatteryLowPin = BatteryLowPin,
        BatteryLowActiveLow = BatteryLowActiveLow,
    };

    /// <summary>The INA219 HAT's build (source ina219).</summary>
    public Ina219HatOptions ToIna219() => new()
    {
        Bus = Bus,
        Address = EffectiveAddress,
        CellsInSeries = CellsInSeries,
        Shunt = ElectricResistance.FromOhms(ShuntOhms),
    };

    /// <summary>Every problem except pin and address clashes (the devices section checks those across all devices), each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(ConfigKey section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var errors = new List<ConfigIssue>();
        void Add(string field, string problem) => errors.Add(new(section.Field(field), problem));
        if (Source is null || !Sources.Contains(Source))
        {
            Add(nameof(Source), $"{(Source is null ? "missing" : $"unknown power source '{Source}'")}; expected one of {string.Join(", ", Sources)}");
            return errors;
        }

        if (Source == "dc-ups" && AcOkPin is null)
        {
            Add(nameof(AcOkPin), $"missing; give the BCM pin the UPS's AC-OK output drives (hardware/README.md: 26)");
        }

        if (Source != "dc-ups" && (EffectiveAddress is < 0x03 or > 0x77))
        {
            Add(nameof(Address), $"0x{EffectiveAddress:X2} is not a 7-bit I2C address (0x03–0x77)");
        }

        if (Source == "ina219")
        {
            if (CellsInSeries is < 1 or > 4)
            {
                Add(nameof(CellsInSeries), $"{CellsInSeries} is out of range (1–4 Li-ion cells)");
            }

            if (!(ShuntOhms > 0) || ShuntOhms > 1)
            {
                Add(nameof(ShuntOhms), $"{ShuntOhms.ToString(CultureInfo.InvariantCulture)} is out of range (above 0, at most 1 Ω; Waveshare HATs use 0.1)");
            }
        }

        if (CapacityMah is <= 0)
        {
            Add(nameof(CapacityMah), $"{CapacityMah} must be more than zero");
        }

        if (!(DeliverBeforeShutdownSeconds >= 0) || DeliverBeforeShutdownSeconds > 600)
        {
            Add(nameof(DeliverBeforeShutdownSeconds), $"{DeliverBeforeShutdownSeconds.ToString(CultureInfo.InvariantCulture)} is out of range (0–600 s)");
        }

        if (ShutdownCommand.Count == 0 || string.IsNullOrWhiteSpace(ShutdownCommand[0]))
        {
            Add(nameof(ShutdownCommand), $"missing; give the command that powers the Pi off, e.g. [\"systemctl\", \"poweroff\"]");
        }

        if (double.IsFinite(PollSeconds) && double.IsFinite(MainsSettleSeconds) && double.IsFinite(LowPercent) && double.IsFinite(ReservePercent))
        {
            errors.AddRange(ToMonitorOptions().Validate(section));
        }
        else
        {
            errors.Add(new(section, "poll_seconds, mains_settle_seconds, low_percent and reserve_percent must be numbers"));
        }

        return errors;
    }
}
