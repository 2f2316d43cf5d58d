using System.Globalization;
using System.Text.Json.Nodes;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Rules;
using EdgeGateway.Devices.Configuration;

namespace EdgeGateway.Configuration;

/// <summary>
/// What one config edit must not do by accident: take away the home's last help input, a safety rule or a fire input
/// (<see cref="Risks"/>, allowed only knowingly), or point the gateway at a data directory it cannot use (<see cref="Trial"/>,
/// refused always: the next start would fail and take the console with it).
/// </summary>
internal static class ConfigGuards
{
    // Directories that are never a home for the outbox, whatever a root process may write there.
    private static readonly string[] SystemDirectories = ["/", "/bin", "/boot", "/dev", "/etc", "/lib", "/proc", "/run", "/sbin", "/sys", "/usr", "/var"];
    private static readonly string[] PseudoFileSystems = ["/proc", "/sys", "/dev"];

    // Every rule section that is on by being present; taking one out turns the rule off.
    private static readonly (string Property, Func<HomeRulesConfig, object?> Section)[] Rules =
    [
        (nameof(HomeRulesConfig.HelpButton), r => r.HelpButton),
        (nameof(HomeRulesConfig.Fall), r => r.Fall),
        (nameof(HomeRulesConfig.SafetyDevices), r => r.SafetyDevices),
        (nameof(HomeRulesConfig.NightExit), r => r.NightExit),
        (nameof(HomeRulesConfig.BedLeftAtNight), r => r.BedLeftAtNight),
        (nameof(HomeRulesConfig.DoorLeftOpen), r => r.DoorLeftOpen),
        (nameof(HomeRulesConfig.TapLeftRunning), r => r.TapLeftRunning),
        (nameof(HomeRulesConfig.Leak), r => r.Leak),
        (nameof(HomeRulesConfig.Inactivity), r => r.Inactivity),
        (nameof(HomeRulesConfig.BathroomTooLong), r => r.BathroomTooLong),
        (nameof(HomeRulesConfig.NotWorn), r => r.NotWorn),
        (nameof(HomeRulesConfig.DailyTest), r => r.DailyTest),
    ];

    /// <summary>The checks the gateway's config store runs on every change.</summary>
    public static ConfigChecks Checks { get; } = new() { Trials = [Trial], Risks = [Risks] };

    /// <summary>The inputs that call for help in <paramref name="config"/>: help buttons, and only while the help-button rule is on.</summary>
    public static int HelpInputs(GatewayConfig config) =>
        config.Rules.HelpButton is null ? 0 : config.EffectiveRules.Sensors.Count(s => s.Kind == SensorKind.HelpButton);

    /// <summary>The warning for a home without a help input, or null when it has one.</summary>
    public static ConfigIssue? NoHelpInput(GatewayConfig config) =>
        HelpInputs(config) > 0 ? null : new ConfigIssue(
            config.Rules.HelpButton is null ? HomeRulesConfig.Key.Field(nameof(HomeRulesConfig.HelpButton)) : DevicesConfig.Key.Field(nameof(DevicesConfig.Contacts)),
            config.Rules.HelpButton is null
                ? "the help-button rule is off: the resident cannot call for help from this home"
                : "no help button or pull cord (kind HelpButton) and no wearable: the resident cannot call for help from this home");

    /// <summary>Each safety function the change from <paramref name="applied"/> to <paramref name="candidate"/> takes away.</summary>
    public static IEnumerable<ConfigIssue> Risks(JsonObject applied, JsonObject candidate)
    {
        if (Parse(applied) is not { } before || Parse(candidate) is not { } after)
        {
            // An applied file that no longer parses has nothing to lose; a candidate that does not parse was refused already.
            return [];
        }

        var issues = new List<ConfigIssue>();
        if (HelpInputs(before) > 0 && HelpInputs(after) == 0 && after.Rules.HelpButton is not null)
        {
            var cords = before.Devices.Contacts.Index().Where(c => Kind(c.Item) == SensorKind.HelpButton).ToList();
            if (cords.Count == 0)
            {
                // The wearable's button was the home's only help input.
                issues.Add(new ConfigIssue(DevicesConfig.Key.Field(nameof(DevicesConfig.Wearable)), $"takes away the home's last help input ('{before.Devices.Wearable?.ButtonSensorId}'): the resident could no longer call for help"));
            }
            else
            {
                var (index, cord) = cords[^1];
                var key = index < after.Devices.Contacts.Count && after.Devices.Contacts[index].SensorId == cord.SensorId
                    ? ContactKey(index).Field(nameof(ContactConfig.Kind))
                    : DevicesConfig.Key.Field(nameof(DevicesConfig.Contacts));
                issues.Add(new ConfigIssue(key, $"takes away the home's last help input ('{cord.SensorId}'): the resident could no longer call for help"));
            }
        }

        foreach (var (property, section) in Rules)
        {
            if (section(before.Rules) is not null && section(after.Rules) is null)
            {
                issues.Add(new ConfigIssue(HomeRulesConfig.Key.Field(property), "turns a safety rule off"));
            }
        }

        foreach (var (index, smoke) in before.Devices.Contacts.Index().Where(c => Kind(c.Item) == SensorKind.SmokeDetector))
        {
            if (!after.Devices.Contacts.Any(c => c.SensorId == smoke.SensorId && Kind(c) == SensorKind.SmokeDetector))
            {
                issues.Add(new ConfigIssue(ContactKey(index), $"takes away the fire input '{smoke.SensorId}': a fire there would no longer be reported"));
            }
        }

        return issues;
    }

    /// <summary>Tries a new data directory the way a start would use it: created, written, fsynced and locked; nothing when it stays the same.</summary>
    public static IEnumerable<ConfigIssue> Trial(JsonObject applied, JsonObject candidate)
    {
        if (Parse(candidate) is not { } after || Parse(applied)?.DataDirectory == after.DataDirectory)
        {
            return [];
        }

        var key = ConfigKey.Root.Field(nameof(GatewayConfig.DataDirectory));
        return DataDirectoryProblem(after.DataDirectory) is { } problem ? [new ConfigIssue(key, problem)] : [];
    }

    /// <summary>Why <paramref name="dir"/> cannot hold the gateway's state, or null when it can (it was created, written, fsynced and locked).</summary>
    public static string? DataDirectoryProblem(string dir)
    {
        if (!Path.IsPathFullyQualified(dir))
        {
            return $"'{dir}' is not an absolute path: expected one such as /var/lib/edgegateway";
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        full = full.Length == 0 ? "/" : full;
        if (SystemDirectories.Contains(full, StringComparer.Ordinal)
            || PseudoFileSystems.Any(p => full.StartsWith(p + "/", StringComparison.Ordinal)))
        {
            return $"'{dir}' is a system directory: expected a directory of the gateway's own, such as /var/lib/edgegateway";
        }

        var existed = Directory.Exists(full);
        var probe = Path.Combine(full, string.Create(CultureInfo.InvariantCulture, $".edgegateway-probe-{Guid.NewGuid():N}"));
        try
        {
            Directory.CreateDirectory(full);
            using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                stream.Write("probe\n"u8);
                stream.Flush(flushToDisk: true);

                // The outbox is SQLite, which needs POSIX locks: a file system without them would corrupt it.
                if (!OperatingSystem.IsMacOS())
                {
                    stream.Lock(0, 1);
                    stream.Unlock(0, 1);
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return $"'{dir}' cannot hold the gateway's state (created, written, fsynced and locked): {ex.Message}";
        }
        finally
        {
            TryDelete(probe, existed ? null : full);
        }
    }

    private static void TryDelete(string probe, string? createdDir)
    {
        try
        {
            File.Delete(probe);
            if (createdDir is not null)
            {
                // Made only for the trial: the gateway makes it again when it starts with it.
                Directory.Delete(createdDir);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A left-over probe file or empty directory does no harm.
        }
    }

    private static ConfigKey ContactKey(int index) => DevicesConfig.Key.Field(nameof(DevicesConfig.Contacts)).Then(index);

    private static SensorKind? Kind(ContactConfig contact) => ContactConfig.TryParseKind(contact.Kind, out var kind) ? kind : null;

    private static GatewayConfig? Parse(JsonObject config) =>
        GatewayConfig.Check(config.ToJsonString(), null, out var parsed).Count == 0 ? parsed : null;
}
