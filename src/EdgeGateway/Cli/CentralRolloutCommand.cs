using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Rollouts;
using EdgeGateway.Contract;
using EdgeGateway.Releases;
using NSec.Cryptography;

namespace EdgeGateway.Cli;

/// <summary>
/// <c>edgegateway central rollout start|status|halt</c>: a signed release to the fleet in waves (issue 32). <c>start</c>
/// verifies the archive as the gateways will (a key they trust, the exact bytes, no downgrade), puts it into the releases
/// directory and stores the plan; the running centre's driver does the rest.
/// </summary>
internal static partial class CentralRolloutCommand
{
    private const int BadInput = 2;
    private const int Conflict = 1;

    [GeneratedRegex("^[A-Za-z0-9._+-]+$")]
    private static partial Regex PlainName();

    public static Command Create()
    {
        var rollout = new Command("rollout", "Roll a signed release out to the gateways in waves: canaries first, each home proving its alarm path, one failure too many halts everything.");
        rollout.Subcommands.Add(CreateStart());
        rollout.Subcommands.Add(CreateStatus());
        rollout.Subcommands.Add(CreateHalt());
        return rollout;
    }

    private static Option<string> StoreOption() =>
        new("--store") { Description = "The archive: a SQLite file, or postgres://user:password@host:port/db or an Npgsql connection string.", Required = true };

    private static Command CreateStart()
    {
        var store = StoreOption();
        var release = new Option<string?>("--release") { Description = "The release archive (edgegateway-VERSION-linux-arm64.tar.gz); or --config-changes." };
        var configChanges = new Option<string?>("--config-changes") { Description = "Instead of a release: a JSON file with the config.set changes ({\"key\": value, …}) sent in the same waves; a home passes on its ok reply." };
        var configReason = new Option<string?>("--config-reason") { Description = "Why the config changes (recorded in each home's config history)." };
        var sig = new Option<string?>("--sig") { Description = "Its signature file (default ARCHIVE.sig)." };
        var keys = new Option<string[]>("--key") { Description = "A public key the gateways trust (PEM; repeat for several): the release must verify against one. Required with --release.", AllowMultipleArgumentsPerToken = false };
        var releasesDir = new Option<string?>("--releases-dir") { Description = "The directory `central --releases-dir` serves: the archive and its .sig are copied here. Required with --release." };
        var baseUrl = new Option<string?>("--base-url") { Description = "The centre's URL as the gateways reach it, e.g. https://centre.example.org; they download BASE/releases/FILE. Required with --release." };
        var waves = new Option<string>("--waves") { Description = "Cumulative percentages of the fleet per wave, rising to 100 (default 1,5,25,100).", DefaultValueFactory = _ => "1,5,25,100" };
        var window = new Option<string?>("--window") { Description = "Local hours (the centre's zone) updates may be sent in, HH:MM-HH:MM, e.g. 10:00-14:00 (default: any time)." };
        var maxFailures = new Option<int>("--max-failures") { Description = "Failed homes tolerated; one more halts the rollout (default 0).", DefaultValueFactory = _ => 0 };
        var soak = new Option<int>("--soak-minutes") { Description = "Minutes a wave stays passed before the next starts (default 30).", DefaultValueFactory = _ => 30 };
        var gate = new Option<int>("--gate-seconds") { Description = "The health gate each gateway runs the new release through, in seconds (default 300).", DefaultValueFactory = _ => 300 };
        var reportTimeout = new Option<int?>("--report-minutes") { Description = "Minutes an accepting home may take to report its outcome (default: the gate plus 30)." };
        var canaries = new Option<string[]>("--canary") { Description = "A gateway that goes first, in wave 1 (repeat for several).", AllowMultipleArgumentsPerToken = false };
        var by = new Option<string>("--by") { Description = "Who starts it (recorded).", Required = true };
        var start = new Command("start", "Verify a signed release, publish it in the releases directory and store the rollout's plan; prints the waves with their homes and zones.")
        {
            store, release, configChanges, configReason, sig, keys, releasesDir, baseUrl, waves, window, maxFailures, soak, gate, reportTimeout, canaries, by,
        };
        start.SetAction(async (r, ct) =>
        {
            var output = r.InvocationConfiguration.Output;
            var errors = r.InvocationConfiguration.Error;
            int Bad(string message)
            {
                errors.WriteLine($"rollout start: {message}");
                return BadInput;
            }

            var archivePath = r.GetValue(release) ?? "";
            var changesPath = r.GetValue(configChanges);
            if ((archivePath.Length == 0) == (changesPath is null))
            {
                return Bad("give either --release ARCHIVE (a signed release) or --config-changes FILE (a config change), one of them");
            }

            var sigPath = r.GetValue(sig) ?? archivePath + ".sig";
            var fileName = Path.GetFileName(archivePath);
            if (changesPath is null && !PlainName().IsMatch(fileName))
            {
                return Bad($"--release '{archivePath}': the file name may only hold letters, digits and . _ + - (it becomes the download URL)");
            }

            var who = r.GetValue(by)!.Trim();
            if (who.Length is 0 or > 128 || who.Any(char.IsControl))
            {
                return Bad($"--by '{r.GetValue(by)}' is invalid: expected a name, 1 to 128 printable characters");
            }

            int[] percentages;
            try
            {
                percentages = [.. r.GetValue(waves)!.Split(',').Select(p => int.Parse(p.Trim(), NumberStyles.None, CultureInfo.InvariantCulture))];
                RolloutPlanner.CheckWaves(percentages);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
            {
                return Bad($"--waves '{r.GetValue(waves)}' is invalid: expected rising cumulative percentages ending at 100, e.g. 1,5,25,100{(ex is ArgumentException ? $" ({ex.Message})" : "")}");
            }

            RolloutWindow? hours = null;
            if (r.GetValue(window) is { } windowText)
            {
                try
                {
                    hours = RolloutWindow.Parse(windowText);
                }
                catch (FormatException ex)
                {
                    return Bad($"--window {ex.Message}");
                }
            }

            // The same check as the page's (RolloutSpec.Check), each problem named by its option.
            var max = r.GetValue(maxFailures);
            var soakMinutes = r.GetValue(soak);
            var gateSeconds = r.GetValue(gate);
            var report = r.GetValue(reportTimeout) is { } minutes ? TimeSpan.FromMinutes(minutes) : RolloutSpec.DefaultReportTimeout(gateSeconds);
            if (RolloutSpec.Check(max, TimeSpan.FromMinutes(soakMinutes), gateSeconds, report) is { } problem)
            {
                var option = problem.Field switch
                {
                    "maxFailures" => "--max-failures",
                    "soakMinutes" => "--soak-minutes",
                    "gateSeconds" => "--gate-seconds",
                    _ => "--report-minutes",
                };
                return Bad($"{option} {problem.Problem}");
            }

            var common = new StartOptions(r.GetValue(store)!, who, percentages, hours, max, TimeSpan.FromMinutes(soakMinutes), gateSeconds, report, [.. (r.GetValue(canaries) ?? []).Select(c => c.Trim())]);
            if (changesPath is not null)
            {
                return await StartConfigAsync(common, changesPath, r.GetValue(configReason), output, errors, ct).ConfigureAwait(false);
            }

            if (r.GetValue(keys) is not { Length: > 0 })
            {
                return Bad("--key is required with --release: a public key the gateways trust");
            }

            if (!Uri.TryCreate(r.GetValue(baseUrl), UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(baseUri.Query))
            {
                return Bad($"--base-url '{r.GetValue(baseUrl)}' is invalid: expected the centre's http(s) URL as the gateways reach it, e.g. https://centre.example.org");
            }

            if (r.GetValue(releasesDir) is null)
            {
                return Bad("--releases-dir is required with --release: the directory `central --releases-dir` serves");
            }

            var dir = Path.GetFullPath(r.GetValue(releasesDir)!);
            if (!Directory.Exists(dir))
            {
                return Bad($"--releases-dir '{r.GetValue(releasesDir)}' is invalid: no such directory");
            }

            var trusted = new List<PublicKey>();
            try
            {
                foreach (var file in r.GetValue(keys) ?? [])
                {
                    trusted.Add(ReleaseSigning.ImportPublicKey(File.ReadAllText(file), file));
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                return Bad($"--key: {ex.Message}");
            }

            var storeText = r.GetValue(store)!;
            if (!ArchiveStore.IsPostgres(storeText) && !File.Exists(storeText))
            {
                return Bad($"--store {storeText}: no such archive file");
            }

            try
            {
                await using var archive = await ArchiveStore.OpenAsync(storeText, ct).ConfigureAwait(false);
                var starter = new ReleaseRolloutStarter(dir, trusted, baseUri, TimeProvider.System);
                var request = new RolloutStartRequest(fileName, who, percentages, hours, max, TimeSpan.FromMinutes(soakMinutes), gateSeconds, report, common.Canaries);
                var started = await starter.StartFromAsync(archive, archivePath, sigPath, request, ct).ConfigureAwait(false);
                if (started.Running)
                {
                    errors.WriteLine("rollout start: a rollout is running already; see `central rollout status`, and halt it first with `central rollout halt`");
                    return Conflict;
                }

                if (started.Rollout is not { Spec: { Release: { } release } spec })
                {
                    return Bad($"{OptionOf(started.Field)} {started.Detail}");
                }

                output.WriteLine($"rollout {spec.Id} started: {release.Version} from {release.Url}, {started.Detail}");
                output.WriteLine($"window {hours?.ToString() ?? "any time"}, soak {soakMinutes} min, gate {gateSeconds} s, report within {(int)report.TotalMinutes} min, halts after {max + 1} failure(s)");
                PrintPlan(output, started.Plan);
                return 0;
            }
            catch (Exception ex) when (ex is FormatException or System.Data.Common.DbException or IOException or UnauthorizedAccessException)
            {
                return Bad($"--store {ArchiveStore.Redact(storeText)}: {ex.Message}");
            }
        });
        return start;
    }

    // The option a starter's refusal names (its fields are the page's).
    private static string OptionOf(string? field) => field switch
    {
        "archive" => "--release",
        "canaries" => "--canary",
        "maxFailures" => "--max-failures",
        "soakMinutes" => "--soak-minutes",
        "gateSeconds" => "--gate-seconds",
        "reportMinutes" => "--report-minutes",
        _ => "--" + field,
    };

    private sealed record StartOptions(string Store, string By, int[] Waves, RolloutWindow? Window, int MaxFailures, TimeSpan Soak, int GateSeconds, TimeSpan Report, List<string> Canaries);

    // A config rollout: the same waves, a config.set per home; nothing to verify or publish.
    private static async Task<int> StartConfigAsync(StartOptions o, string changesPath, string? reason, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        int Bad(string message)
        {
            errors.WriteLine($"rollout start: {message}");
            return BadInput;
        }

        string changes;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(changesPath, ct).ConfigureAwait(false));
            if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object || !doc.RootElement.EnumerateObject().Any()
                || doc.RootElement.EnumerateObject().Any(p => p.Value.ValueKind is not (System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False)))
            {
                return Bad($"--config-changes {changesPath}: expected a JSON object of config keys to strings, numbers or booleans, e.g. {{\"uplink.heartbeat_seconds\": 120}}");
            }

            changes = doc.RootElement.GetRawText();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return Bad($"--config-changes {changesPath}: {ex.Message}");
        }

        if (!ArchiveStore.IsPostgres(o.Store) && !File.Exists(o.Store))
        {
            return Bad($"--store {o.Store}: no such archive file");
        }

        try
        {
            await using var archive = await ArchiveStore.OpenAsync(o.Store, ct).ConfigureAwait(false);
            var fleet = await RolloutFleet.ReadAsync(archive, ct).ConfigureAwait(false);
            var known = fleet.Select(h => h.Gateway).ToHashSet(StringComparer.Ordinal);
            if (o.Canaries.FirstOrDefault(c => !known.Contains(c)) is { } unknown)
            {
                return Bad($"--canary '{unknown}': no such gateway in the archive");
            }

            var now = TimeProvider.System.GetUtcNow();
            var spec = new RolloutSpec($"config@{now:yyyyMMdd'T'HHmmss'Z'}", o.By, now, null, o.Waves, o.Window, o.MaxFailures, o.Soak, o.GateSeconds, o.Report, o.Canaries)
            {
                Config = new RolloutConfig(changes, reason),
            };
            var plan = RolloutPlanner.Plan(fleet, null, o.Canaries, o.Waves);
            var action = new OperatorAction(now, o.By, "rollout-start", null, null, null, "ok", $"{spec.Id}: config.set {changes} to {plan.Count} home(s) in {o.Waves.Length} wave(s)");
            if (!await archive.StartRolloutAsync(new RolloutRecord(spec, RolloutStates.Running, 1, null, null, now), plan, action, ct).ConfigureAwait(false))
            {
                errors.WriteLine("rollout start: a rollout is running already; see `central rollout status`, and halt it first with `central rollout halt`");
                return Conflict;
            }

            output.WriteLine($"rollout {spec.Id} started: config.set {changes}");
            output.WriteLine($"window {o.Window?.ToString() ?? "any time"}, soak {(int)o.Soak.TotalMinutes} min, halts after {o.MaxFailures + 1} failure(s)");
            PrintPlan(output, plan);
            return 0;
        }
        catch (Exception ex) when (ex is FormatException or System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            return Bad($"--store {ArchiveStore.Redact(o.Store)}: {ex.Message}");
        }
    }

    private static void PrintPlan(TextWriter output, IReadOnlyList<RolloutHome> plan)
    {
        foreach (var wave in plan.GroupBy(h => h.Wave).OrderBy(g => g.Key))
        {
            var title = wave.Key == 0 ? "already on the version" : $"wave {wave.Key}";
            output.WriteLine($"{title}: {wave.Count()} home(s)");
            foreach (var h in wave)
            {
                output.WriteLine($"  {h.Gateway}  zone {h.Zone}  {h.State}{(h.Reason is { } why ? $" ({why})" : "")}");
            }
        }
    }

    private static Command CreateStatus()
    {
        var store = StoreOption();
        var status = new Command("status", "The current (or last) rollout: state, wave, per-wave counts, failures with reasons; and the fleet by version from the last heartbeats.") { store };
        status.SetAction(async (r, ct) =>
        {
            var output = r.InvocationConfiguration.Output;
            var storeText = r.GetValue(store)!;
            if (!ArchiveStore.IsPostgres(storeText) && !File.Exists(storeText))
            {
                r.InvocationConfiguration.Error.WriteLine($"rollout status: --store {storeText}: no such archive file");
                return BadInput;
            }

            await using var archive = await ArchiveStore.OpenAsync(storeText, ct).ConfigureAwait(false);
            var rollout = await archive.LatestRolloutAsync(ct).ConfigureAwait(false);
            if (rollout is null)
            {
                output.WriteLine("no rollout yet");
            }
            else
            {
                var spec = rollout.Spec;
                var homes = await archive.RolloutHomesAsync(rollout.Id, ct).ConfigureAwait(false);
                output.WriteLine($"rollout {rollout.Id}: {rollout.State}, wave {rollout.Wave} of {spec.Waves.Count} ({string.Join(',', spec.Waves)} %), {(spec.Release is { } rel ? $"release {rel.Version}" : $"config.set {spec.Config?.ChangesJson}")}, started by {spec.CreatedBy} at {spec.CreatedAt:yyyy-MM-dd HH:mm}Z");
                if (rollout.HaltReason is { } why)
                {
                    output.WriteLine($"halted: {why}");
                }

                if (rollout.State == RolloutStates.Running && rollout.WavePassedAt is { } passed)
                {
                    output.WriteLine($"wave {rollout.Wave} passed at {passed:HH:mm}Z; soaking until {passed + spec.Soak:HH:mm}Z");
                }

                foreach (var wave in homes.GroupBy(h => h.Wave).OrderBy(g => g.Key))
                {
                    var counts = string.Join(", ", wave.GroupBy(h => h.State).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
                    output.WriteLine($"{(wave.Key == 0 ? "already on the version" : $"wave {wave.Key}")}: {counts}");
                }

                foreach (var failed in homes.Where(h => h.State == RolloutHomeStates.Failed))
                {
                    output.WriteLine($"failed {failed.Gateway} (zone {failed.Zone}, wave {failed.Wave}): {failed.Reason}");
                }
            }

            output.WriteLine("fleet by version (last heartbeats):");
            foreach (var version in (await RolloutFleet.ReadAsync(archive, ct).ConfigureAwait(false)).GroupBy(h => h.Version ?? "unknown").OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                output.WriteLine($"  {version.Key}: {version.Count()} home(s)");
            }

            return 0;
        });
        return status;
    }

    private static Command CreateHalt()
    {
        var store = StoreOption();
        var by = new Option<string>("--by") { Description = "Who halts it (recorded).", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (recorded and shown in the status).", Required = true };
        var halt = new Command("halt", "Halt the running rollout: no further home is sent the update (homes that accepted it finish their own health gate).") { store, by, reason };
        halt.SetAction(async (r, ct) =>
        {
            var errors = r.InvocationConfiguration.Error;
            var storeText = r.GetValue(store)!;
            var who = r.GetValue(by)!.Trim();
            var why = r.GetValue(reason)!.Trim();
            if (who.Length == 0 || why.Length == 0)
            {
                errors.WriteLine($"rollout halt: {(who.Length == 0 ? "--by" : "--reason")} must not be empty");
                return BadInput;
            }

            if (!ArchiveStore.IsPostgres(storeText) && !File.Exists(storeText))
            {
                errors.WriteLine($"rollout halt: --store {storeText}: no such archive file");
                return BadInput;
            }

            await using var archive = await ArchiveStore.OpenAsync(storeText, ct).ConfigureAwait(false);
            if (await RolloutDriver.HaltAsync(archive, who, why, TimeProvider.System.GetUtcNow(), ct).ConfigureAwait(false) is not { } halted)
            {
                errors.WriteLine("rollout halt: no rollout is running");
                return Conflict;
            }

            r.InvocationConfiguration.Output.WriteLine($"rollout {halted.Id} halted at wave {halted.Wave}: {halted.HaltReason}");
            return 0;
        });
        return halt;
    }
}
