using EdgeGateway.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Releases;
using EdgeGateway.Uplink.Commands;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Updates;

/// <summary>
/// Takes the centre's <c>update</c> offers: verifies each against the trusted keys and the running version before anything is
/// downloaded, then in the background downloads, unpacks, waits for no active alarm, writes the state file (trial), switches
/// <c>current</c> and stops the process for systemd to start the new release, whose <see cref="HealthGate"/> decides. A
/// failure before the switch is a <c>technical.update-failed</c> from this release, and nothing changes.
/// </summary>
internal sealed class Updater : IReleaseUpdates, IAsyncDisposable
{
    private static readonly TimeSpan AlarmRecheck = TimeSpan.FromSeconds(1);
    private readonly UpdateConfig _config;
    private readonly string _dataDir;
    private readonly string _running;
    private readonly IUpdateHost _host;
    private readonly ReleaseDownloader _downloader;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ReleaseInstall _install;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private UpdateRequest? _active;
    private Task _work = Task.CompletedTask;
    private int _disposed;

    /// <summary>An updater for the release <paramref name="running"/> installed under <paramref name="config"/>'s install folder; <paramref name="firstRetryDelay"/> (2 s by default) is shortened by tests.</summary>
    public Updater(UpdateConfig config, string dataDir, string running, IUpdateHost host, HttpClient http, TimeProvider time, ILogger logger, TimeSpan? firstRetryDelay = null)
    {
        _config = config;
        _dataDir = dataDir;
        _running = running;
        _host = host;
        _time = time;
        _logger = logger;
        _install = new ReleaseInstall(config.InstallDir);
        _downloader = new ReleaseDownloader(http, time)
        {
            Retrying = (error, pause) => UpdateLog.DownloadRetry(logger, error, pause.TotalSeconds),
            FirstRetryDelay = firstRetryDelay ?? TimeSpan.FromSeconds(2),
        };
    }

    /// <summary>The background work of the update under way (completed when there is none); tests await it.</summary>
    public Task Work
    {
        get
        {
            lock (_gate)
            {
                return _work;
            }
        }
    }

    /// <inheritdoc />
    public UpdateAcceptance Offer(UpdateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            var answer = Check(request, out var verified);
            if (answer.State == UpdateAcceptanceState.Refused)
            {
                UpdateLog.Refused(_logger, request.Version, answer.Reason!);
            }

            if (verified)
            {
                _active = request;
                UpdateLog.Accepted(_logger, request.Version, request.Rollout ?? "none", request.Url.Host, _running);
                _work = Task.Run(() => RunAsync(request, _stop.Token));
            }

            return answer;
        }
    }

    private UpdateAcceptance Check(UpdateRequest request, out bool start)
    {
        start = false;
        if (!_install.IsInstalled)
        {
            return UpdateAcceptance.Refused($"not installed from a release (update.install_dir {_config.InstallDir} has no current link)");
        }

        if (request.Version == _running)
        {
            return UpdateAcceptance.Current;
        }

        if (_active is { } active)
        {
            // The centre retries a command whose reply it missed: the same version is the same update.
            return active.Version == request.Version
                ? UpdateAcceptance.Accepted
                : UpdateAcceptance.Refused($"an update to {active.Version} is under way; try again when it has completed or failed");
        }

        if (_install.CurrentTarget() is null)
        {
            return UpdateAcceptance.Refused($"{_install.Current} is not a link to a release: the gateway could not switch back, so it does not update itself (reinstall with deploy/install.sh)");
        }

        if (UpdateState.Read(UpdateState.PathIn(_dataDir)) is { Phase: UpdatePhase.Trial } trial && trial.Version == _running)
        {
            return UpdateAcceptance.Refused($"release {_running} has not passed its health gate yet");
        }

        IReadOnlyList<NSec.Cryptography.PublicKey> keys;
        try
        {
            keys = ReleaseSigning.LoadKeys(_config.KeysDir);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return UpdateAcceptance.Refused($"the trusted keys cannot be read (update.keys_dir): {ex.Message}");
        }

        if (keys.Count == 0)
        {
            return UpdateAcceptance.Refused($"no trusted release key in {_config.KeysDir} (update.keys_dir): the technician puts the municipality's key there");
        }

        var signature = new ReleaseSignatureFile(request.Signature.Manifest, request.Signature.KeyId, request.Signature.Signature);
        var verdict = ReleaseSigning.Verify(signature, request.Size, request.Sha256, keys, _running, "args.signature", "the offered archive (args.size, args.sha256)");
        if (!verdict.Ok)
        {
            return UpdateAcceptance.Refused(verdict.Reason);
        }

        if (verdict.Manifest!.Version != request.Version)
        {
            return UpdateAcceptance.Refused($"the signed manifest is for version {verdict.Manifest.Version}, the command says {request.Version}");
        }

        start = true;
        return UpdateAcceptance.Accepted;
    }

    private async Task RunAsync(UpdateRequest request, CancellationToken cancellationToken)
    {
        var stage = "download";
        string? archive = null;
        try
        {
            SweepOtherDownloads(request.Sha256);
            var download = await _downloader.DownloadAsync(request.Url, request.Size, request.Sha256, Path.Combine(_dataDir, "update"), cancellationToken).ConfigureAwait(false);
            archive = download.ArchivePath;
            stage = "unpack";
            var folder = ReleaseUnpacker.Unpack(download.ArchivePath, _install.Releases, request.Version);
            UpdateLog.Unpacked(_logger, request.Version, download.DownloadedBytes, folder);

            // A restart drops the loop's state and silences a buzzer: never while an alarm is active.
            var waited = false;
            while (_host.ActiveAlarms is > 0 and var alarms)
            {
                if (!waited)
                {
                    UpdateLog.SwitchWaits(_logger, request.Version, alarms);
                    waited = true;
                }

                await Task.Delay(AlarmRecheck, _time, cancellationToken).ConfigureAwait(false);
            }

            stage = "start";
            var gateSeconds = request.GateSeconds ?? _config.GateSeconds;
            var state = new UpdateState(
                UpdatePhase.Trial,
                request.Version,
                _running,
                ReleaseInstall.TargetOf(request.Version),
                _install.CurrentTarget()!,
                _time.GetUtcNow().ToUnixTimeSeconds(),
                gateSeconds,
                0,
                _config.MaxStarts,
                request.Rollout ?? "",
                download.DownloadedBytes,
                "",
                "",
                false);
            var statePath = UpdateState.PathIn(_dataDir);
            state.Write(statePath);
            try
            {
                _install.Switch(state.To);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                File.Delete(statePath);
                throw new UpdateFailedException("start", $"could not switch {_install.Current}: {ex.Message}", ex);
            }

            UpdateLog.Switched(_logger, state.To, request.Version, gateSeconds);
            File.Delete(download.ArchivePath);
            _host.StopProcess();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The process stops; the part file stays and the centre's retry resumes it.
        }
        catch (Exception ex)
        {
            var failure = ex as UpdateFailedException ?? new UpdateFailedException(stage, ex.Message, ex);
            if (archive is not null && failure.Stage == "unpack")
            {
                // A verified archive that does not unpack never will: keep the SD card's space.
                File.Delete(archive);
            }

            var reason = failure.Message.ReplaceLineEndings(" ");
            UpdateLog.Failed(_logger, request.Version, failure.Stage, reason, _running);
            _host.PostTechnical(
                CareEventKind.UpdateFailed,
                $"update to {request.Version} failed at {failure.Stage}: {reason}",
                UpdateEvents.Failed(request.Version, _running, failure.Stage, reason, request.Rollout));
            lock (_gate)
            {
                _active = null;
            }
        }
    }

    // Parts and archives of other updates (an offer the centre withdrew, a version since superseded) only fill the SD card.
    private void SweepOtherDownloads(string sha256)
    {
        var dir = Path.Combine(_dataDir, "update");
        if (!Directory.Exists(dir))
        {
            return;
        }

        foreach (var file in Directory.GetFiles(dir))
        {
            var name = Path.GetFileName(file);
            if ((name.EndsWith(".part", StringComparison.Ordinal) || name.EndsWith(".tar.gz", StringComparison.Ordinal)) && !name.StartsWith(sha256, StringComparison.Ordinal))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Cancels an update under way (the process stops); a download resumes from its part file next time.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await Work.ConfigureAwait(false);
        _stop.Dispose();
    }
}
