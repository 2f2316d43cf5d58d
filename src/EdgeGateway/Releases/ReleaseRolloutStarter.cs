using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Rollouts;
using EdgeGateway.Contract;
using NSec.Cryptography;

namespace EdgeGateway.Releases;

/// <summary>
/// Starts a release rollout (issue 32) for <c>central rollout start</c> and the page alike: verifies the archive as the
/// gateways will (a key they trust, the exact bytes), refuses what a home would refuse from its last heartbeat's version,
/// publishes the archive and its <c>.sig</c> into the releases directory, plans the waves and stores the rollout.
/// </summary>
public sealed partial class ReleaseRolloutStarter : IRolloutStarter
{
    private readonly string _directory;
    private readonly IReadOnlyList<PublicKey> _trusted;
    private readonly Uri _baseUrl;
    private readonly TimeProvider _time;

    /// <summary>A starter publishing into <paramref name="releasesDirectory"/>, trusting <paramref name="trusted"/>, the gateways downloading from <paramref name="baseUrl"/>/releases/FILE.</summary>
    public ReleaseRolloutStarter(string releasesDirectory, IReadOnlyList<PublicKey> trusted, Uri baseUrl, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(releasesDirectory);
        ArgumentNullException.ThrowIfNull(trusted);
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(time);
        _directory = Path.GetFullPath(releasesDirectory);
        _trusted = trusted;
        _baseUrl = baseUrl;
        _time = time;
    }

    [GeneratedRegex("^[A-Za-z0-9._+-]+$")]
    private static partial Regex PlainName();

    /// <summary>Whether <paramref name="fileName"/> may be a release's file name: letters, digits and . _ + - only (it becomes the download URL).</summary>
    public static bool IsPlainName(string fileName) => PlainName().IsMatch(fileName) && !fileName.StartsWith('.');

    /// <inheritdoc />
    public IReadOnlyList<ReleaseOffer> Releases()
    {
        var offers = new List<ReleaseOffer>();
        foreach (var sig in Directory.EnumerateFiles(_directory, "*.sig").Order(StringComparer.Ordinal))
        {
            var archive = sig[..^".sig".Length];
            var name = Path.GetFileName(archive);
            if (!IsPlainName(name) || !File.Exists(archive))
            {
                continue;
            }

            string? keyId = null;
            try
            {
                keyId = JsonSerializer.Deserialize(File.ReadAllText(sig), ReleaseJson.Default.ReleaseSignatureFile)?.KeyId;
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
            {
                // The verdict below names what is wrong with it.
            }

            var verdict = ReleaseSigning.Verify(archive, sig, _trusted);
            offers.Add(new ReleaseOffer(name, verdict.Manifest?.Version, new FileInfo(archive).Length, keyId, verdict.Ok, verdict.Reason.Replace(_directory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal)));
        }

        return offers;
    }

    /// <inheritdoc />
    public Task<RolloutStartResult> StartAsync(IArchive archive, RolloutStartRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = Path.Combine(_directory, request.Archive);
        if (!IsPlainName(request.Archive) || !File.Exists(path) || !File.Exists(path + ".sig"))
        {
            return Task.FromResult(RolloutStartResult.Refused("archive", $"'{request.Archive}': no such signed archive in the releases directory (an archive with its .sig beside it)"));
        }

        return StartFromAsync(archive, path, path + ".sig", request, cancellationToken);
    }

    /// <summary>
    /// As <see cref="StartAsync"/>, from an archive anywhere (the command line's): it is copied into the releases directory
    /// only when every check has passed, before the rollout is stored.
    /// </summary>
    /// <exception cref="System.Data.Common.DbException">The archive could not be read or written.</exception>
    /// <exception cref="IOException">The archive could not be copied into the releases directory.</exception>
    public async Task<RolloutStartResult> StartFromAsync(IArchive archive, string archivePath, string signaturePath, RolloutStartRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(request);
        var fileName = Path.GetFileName(archivePath);
        if (!IsPlainName(fileName))
        {
            return RolloutStartResult.Refused("archive", $"'{archivePath}': the file name may only hold letters, digits and . _ + - (it becomes the download URL)");
        }

        if (Problem(request) is { } refused)
        {
            return refused;
        }

        // Refused here what every gateway would refuse: an unsigned, changed or foreign-signed archive never leaves the centre.
        var verdict = ReleaseSigning.Verify(archivePath, signaturePath, _trusted);
        if (!verdict.Ok || verdict.Manifest is not { } manifest)
        {
            return RolloutStartResult.Refused("archive", $"refused: {verdict.Reason}");
        }

        var fleet = await RolloutFleet.ReadAsync(archive, cancellationToken).ConfigureAwait(false);
        var known = fleet.Select(h => h.Gateway).ToHashSet(StringComparer.Ordinal);
        if (request.Canaries.FirstOrDefault(c => !known.Contains(c)) is { } unknown)
        {
            return RolloutStartResult.Refused("canaries", $"'{unknown}': no such gateway in the archive");
        }

        if (Refusals(manifest, fleet) is { Count: > 0 } refusing)
        {
            return RolloutStartResult.Refused("archive", $"{manifest.Version} would be refused by {refusing.Count} home(s): {string.Join("; ", refusing.Take(5))}");
        }

        var now = _time.GetUtcNow();
        var url = new Uri(_baseUrl, _baseUrl.AbsolutePath.TrimEnd('/') + "/releases/" + fileName).ToString();
        var report = request.Report ?? RolloutSpec.DefaultReportTimeout(request.GateSeconds);
        var spec = new RolloutSpec(
            $"{manifest.Version}@{now:yyyyMMdd'T'HHmmss'Z'}", request.By, now,
            new RolloutRelease(manifest.Version, fileName, manifest.Size, manifest.Sha256, (await File.ReadAllTextAsync(signaturePath, cancellationToken).ConfigureAwait(false)).Trim(), url),
            [.. request.Waves], request.Window, request.MaxFailures, request.Soak, request.GateSeconds, report, [.. request.Canaries]);
        var plan = RolloutPlanner.Plan(fleet, manifest.Version, request.Canaries, request.Waves);

        // Copied before the plan is stored: a gateway told to download it must find it whole (written aside, then moved).
        Publish(archivePath, Path.Combine(_directory, fileName));
        Publish(signaturePath, Path.Combine(_directory, fileName + ".sig"));

        var record = new RolloutRecord(spec, RolloutStates.Running, 1, null, null, now);
        var action = new OperatorAction(now, request.By, "rollout-start", null, null, null, "ok", $"{spec.Id}: {plan.Count(h => h.Wave > 0)} home(s) in {request.Waves.Count} wave(s)");
        return await archive.StartRolloutAsync(record, plan, action, cancellationToken).ConfigureAwait(false)
            ? RolloutStartResult.Started(record, plan, verdict.Reason)
            : RolloutStartResult.AlreadyRunning;
    }

    // The request's own values, before anything is read: each refusal names its field.
    private static RolloutStartResult? Problem(RolloutStartRequest r)
    {
        if (r.By.Trim() is not { Length: > 0 and <= 128 } || r.By.Any(char.IsControl))
        {
            return RolloutStartResult.Refused("by", $"'{r.By}' is invalid: expected a name, 1 to 128 printable characters");
        }

        try
        {
            RolloutPlanner.CheckWaves(r.Waves);
        }
        catch (ArgumentException ex)
        {
            return RolloutStartResult.Refused("waves", $"'{string.Join(',', r.Waves)}' is invalid: expected rising cumulative percentages ending at 100, e.g. 1,5,25,100 ({ex.Message})");
        }

        if (RolloutSpec.Check(r.MaxFailures, r.Soak, r.GateSeconds, r.Report ?? RolloutSpec.DefaultReportTimeout(r.GateSeconds)) is { } problem)
        {
            return RolloutStartResult.Refused(problem.Field, problem.Problem);
        }

        return r.Canaries.FirstOrDefault(c => c.Trim().Length == 0 || c.Length > 128 || c.Any(char.IsControl)) is { } bad
            ? RolloutStartResult.Refused("canaries", $"'{bad}' is invalid: expected gateway ids")
            : null;
    }

    // The homes that would refuse the release as their installed version stands (a downgrade, or below its min_version).
    private static List<string> Refusals(ReleaseManifest manifest, IReadOnlyList<FleetHome> fleet)
    {
        var next = ReleaseSigning.ParseVersion(manifest.Version, "the release's version");
        var min = ReleaseSigning.ParseVersion(manifest.MinVersion, "the release's min_version");
        var refusals = new List<string>();
        foreach (var home in fleet.Where(h => h.Version is not null && h.Version != manifest.Version))
        {
            Version now;
            try
            {
                now = ReleaseSigning.ParseVersion(home.Version!, "the installed version");
            }
            catch (InvalidDataException)
            {
                continue;
            }

            if (next < now && !manifest.Rollback)
            {
                refusals.Add($"{home.Gateway} runs {home.Version}, newer (a downgrade needs a release signed as a rollback)");
            }
            else if (now < min)
            {
                refusals.Add($"{home.Gateway} runs {home.Version}, older than the release's min_version {manifest.MinVersion}");
            }
        }

        return refusals;
    }

    private static void Publish(string from, string to)
    {
        if (Path.GetFullPath(from) == to)
        {
            return;
        }

        var temp = to + ".tmp";
        File.Copy(from, temp, overwrite: true);
        File.Move(temp, to, overwrite: true);
    }
}
