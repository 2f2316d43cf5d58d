using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Outputs;

namespace EdgeGateway.Core.Rules;

/// <summary>
/// Every rule's parameters and schedules for one home, as bound from the gateway config (at <see cref="Key"/>).
/// A rule section left out (null) switches that rule off; fall and help-button rules are on by default.
/// </summary>
public sealed record HomeRulesConfig
{
    /// <summary>Where the rules sit in the gateway's config file.</summary>
    public static ConfigKey Key { get; } = ConfigKey.Of("rules");

    /// <summary>IANA time zone of the home; windows follow its daylight-saving rules.</summary>
    public string TimeZone { get; set; } = "Europe/Oslo";

    /// <summary>The home's sensors; rule options may refer only to these.</summary>
    public IReadOnlyList<SensorDeclaration> Sensors { get; set; } = [];

    /// <summary>The night window (night exit, bed left, night door limit).</summary>
    public TimeWindowOptions Night { get; set; } = new() { Start = new TimeOnly(23, 0), End = new TimeOnly(6, 0) };

    /// <summary>The day window (inactivity).</summary>
    public TimeWindowOptions Day { get; set; } = new() { Start = new TimeOnly(7, 0), End = new TimeOnly(22, 0) };

    /// <summary>Night exit / wandering, or null for off.</summary>
    public NightExitOptions? NightExit { get; set; }

    /// <summary>Bed left at night, or null for off.</summary>
    public BedLeftAtNightOptions? BedLeftAtNight { get; set; }

    /// <summary>Door left open, or null for off.</summary>
    public DoorLeftOpenOptions? DoorLeftOpen { get; set; }

    /// <summary>Tap left running, or null for off.</summary>
    public TapLeftRunningOptions? TapLeftRunning { get; set; }

    /// <summary>Leaks, or null for off.</summary>
    public LeakOptions? Leak { get; set; }

    /// <summary>Inactivity, or null for off.</summary>
    public InactivityOptions? Inactivity { get; set; }

    /// <summary>The daily end-to-end test alarm (silent at home); null: none.</summary>
    public DailyTestOptions? DailyTest { get; set; }

    /// <summary>Fall pre-alarm and alarm.</summary>
    public FallOptions? Fall { get; set; } = new();

    /// <summary>Help button / pull cord.</summary>
    public HelpButtonOptions? HelpButton { get; set; } = new();

    /// <summary>Wearable not worn (technical event, day window only), or null for off.</summary>
    public NotWornOptions? NotWorn { get; set; } = new();

    /// <summary>Smoke detector, medication dispenser and stove guard outputs; on by default (they act only on sensors of their kinds).</summary>
    public SafetyDevicesOptions? SafetyDevices { get; set; } = new();

    /// <summary>Bathroom too long, or null for off.</summary>
    public BathroomTooLongOptions? BathroomTooLong { get; set; }

    /// <summary>Every problem, each naming its full config key under <paramref name="at"/> (by default <see cref="Key"/>: rules.door_left_open.night_limit).</summary>
    public IReadOnlyList<ConfigIssue> Validate(ConfigKey? at = null)
    {
        var p = at ?? Key;
        List<ConfigIssue> errors = [];
        if (string.IsNullOrWhiteSpace(TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            errors.Add(new(p.Field(nameof(TimeZone)), $"unknown time zone '{TimeZone}' (expected an IANA id such as Europe/Oslo)"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sensors = Sensors ?? [];
        for (var i = 0; i < sensors.Count; i++)
        {
            var s = sensors[i];
            var key = p.Field(nameof(Sensors)).Then(i);
            if (string.IsNullOrWhiteSpace(s?.Id))
            {
                errors.Add(new(key.Field(nameof(SensorDeclaration.Id)), "a sensor id is required"));
            }
            else if (!seen.Add(s.Id))
            {
                errors.Add(new(key.Field(nameof(SensorDeclaration.Id)), $"duplicate sensor id '{s.Id}'"));
            }

            if (s is not null && !Enum.IsDefined(s.Kind))
            {
                errors.Add(new(key.Field(nameof(SensorDeclaration.Kind)), $"unknown sensor kind '{s.Kind}'"));
            }
        }

        var catalog = new SensorCatalog(sensors.Where(s => s is not null && !string.IsNullOrWhiteSpace(s.Id)).Select(s => KeyValuePair.Create(s.Id, s.Kind)));
        errors.AddRange(Night?.Validate(p.Field(nameof(Night))) ?? [new(p.Field(nameof(Night)), "required")]);
        errors.AddRange(Day?.Validate(p.Field(nameof(Day))) ?? [new(p.Field(nameof(Day)), "required")]);
        errors.AddRange(NightExit?.Validate(catalog, p.Field(nameof(NightExit))) ?? []);
        errors.AddRange(BedLeftAtNight?.Validate(catalog, p.Field(nameof(BedLeftAtNight))) ?? []);
        errors.AddRange(DoorLeftOpen?.Validate(catalog, p.Field(nameof(DoorLeftOpen))) ?? []);
        errors.AddRange(TapLeftRunning?.Validate(catalog, p.Field(nameof(TapLeftRunning))) ?? []);
        errors.AddRange(Leak?.Validate(catalog, p.Field(nameof(Leak))) ?? []);
        errors.AddRange(Inactivity?.Validate(catalog, p.Field(nameof(Inactivity))) ?? []);
        errors.AddRange(DailyTest?.Validate(p.Field(nameof(DailyTest))) ?? []);
        errors.AddRange(Fall?.Validate(p.Field(nameof(Fall))) ?? []);
        errors.AddRange(HelpButton?.Validate(p.Field(nameof(HelpButton))) ?? []);
        errors.AddRange(NotWorn?.Validate(p.Field(nameof(NotWorn))) ?? []);
        errors.AddRange(SafetyDevices?.Validate(p.Field(nameof(SafetyDevices))) ?? []);
        errors.AddRange(BathroomTooLong?.Validate(catalog, p.Field(nameof(BathroomTooLong))) ?? []);
        return errors;
    }

    /// <summary>Builds the enabled rules, in the order the loop must run them; refuses an invalid config as a whole.</summary>
    /// <exception cref="ConfigurationException">The config is invalid (every problem listed) or needs a valve that is not given.</exception>
    public IReadOnlyList<ICareRule> BuildRules(IShutOffValve? valve = null)
    {
        var errors = Validate().ToList();
        if (valve is null && Leak is { } leak && (leak.CloseValveOnBurst || leak.CloseValveOnSlowLeak))
        {
            errors.Add(LeakRule.NoValve(leak, Key.Field(nameof(Leak))));
        }

        ConfigurationException.ThrowIfAny(errors);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var night = Night.ToWindow(zone);
        var day = Day.ToWindow(zone);

        List<ICareRule> rules = [];
        List<ILocalWarningRule> warnings = [];
        if (Fall is { } fall)
        {
            var rule = new FallRule(fall);
            warnings.Add(rule);
            rules.Add(rule);
        }

        InactivityRule? inactivity = Inactivity is { } ia ? new InactivityRule(ia, day) : null;
        if (inactivity is not null)
        {
            warnings.Add(inactivity);
        }

        // The help button goes first: a press that answers a warning must reach the warning before anything else reacts.
        if (HelpButton is { } help)
        {
            rules.Insert(0, new HelpButtonRule(help, warnings));
        }

        // A fire goes out before any other rule looks at the reading.
        if (SafetyDevices is { } safety)
        {
            rules.Insert(HelpButton is null ? 0 : 1, new SafetyDeviceRule(safety));
        }

        if (NightExit is { } ne)
        {
            rules.Add(new NightExitRule(ne, night));
        }

        if (BedLeftAtNight is { } bed)
        {
            rules.Add(new BedLeftAtNightRule(bed, night));
        }

        if (DoorLeftOpen is { } door)
        {
            rules.Add(new DoorLeftOpenRule(door, night));
        }

        if (BathroomTooLong is { } bathroom)
        {
            rules.Add(new BathroomTooLongRule(bathroom, night));
        }

        if (TapLeftRunning is { } tap)
        {
            rules.Add(new TapLeftRunningRule(tap));
        }

        if (NotWorn is { } notWorn)
        {
            rules.Add(new NotWornRule(notWorn, day));
        }

        if (Leak is { } l)
        {
            rules.Add(new LeakRule(l, valve));
        }

        if (inactivity is not null)
        {
            rules.Add(inactivity);
        }

        if (DailyTest is { } daily)
        {
            rules.Add(new DailyTestRule(daily, zone));
        }

        return rules;
    }
}
