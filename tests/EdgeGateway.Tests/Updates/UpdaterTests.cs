using EdgeGateway.Core.Events;
using EdgeGateway.Releases;
using EdgeGateway.TestSupport;
using EdgeGateway.Updates;
using EdgeGateway.Uplink.Commands;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Tests.Updates;

/// <summary>The whole updater on a temporary install folder with a fake running gateway and a real loopback HTTP server.</summary>
public sealed class UpdaterTests : IDisposable
{
    private readonly UpdateRig _rig = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _rig.Dispose();
    }

    private Updater Updater(UpdateRig? rig = null, string running = UpdateRig.VersionA)
    {
        rig ??= _rig;
        return new Updater(rig.Config, rig.DataDir, running, rig.Host, _http, TimeProvider.System, NullLogger.Instance, TimeSpan.FromMilliseconds(10));
    }

    private static readonly Uri Nowhere = new("https://releases.example/none.tar.gz");

    [Fact]
    public async Task An_accepted_update_downloads_unpacks_switches_current_and_asks_the_process_to_stop()
    {
        var archive = _rig.Archive(UpdateRig.VersionB);
        using var server = new ReleaseServer(archive) { DropFirst = 1 };
        await using var updater = Updater();

        var answer = updater.Offer(_rig.Request(UpdateRig.VersionB, archive, server.Url, gateSeconds: 120));
        Assert.Equal(UpdateAcceptanceState.Accepted, answer.State);

        // The centre retries (it missed the reply): the same version is the same update.
        Assert.Equal(UpdateAcceptanceState.Accepted, updater.Offer(_rig.Request(UpdateRig.VersionB, archive, server.Url)).State);
        await updater.Work.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ReleaseInstall.TargetOf(UpdateRig.VersionB), _rig.CurrentTarget);
        Assert.Equal(UpdateRig.VersionB, _rig.Install.CurrentVersion());
        Assert.Equal(1, _rig.Host.Stops);
        var state = UpdateState.Read(_rig.StatePath)!;
        Assert.Equal(UpdatePhase.Trial, state.Phase);
        Assert.Equal(UpdateRig.VersionB, state.Version);
        Assert.Equal(UpdateRig.VersionA, state.FromVersion);
        Assert.Equal("releases/" + UpdateRig.VersionA, state.From);
        Assert.Equal("releases/" + UpdateRig.VersionB, state.To);
        Assert.Equal(120, state.GateSeconds);
        Assert.Equal(0, state.Starts);
        Assert.Equal(3, state.MaxStarts);
        Assert.Equal("wave-1", state.Rollout);
        Assert.Equal(new FileInfo(archive).Length, state.DownloadedBytes);
        Assert.InRange(state.SwitchedAt, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Empty(_rig.Host.Events);
    }

    [Fact]
    public async Task An_active_alarm_postpones_the_switch_until_it_is_cleared()
    {
        var archive = _rig.Archive(UpdateRig.VersionB);
        using var server = new ReleaseServer(archive);
        await using var updater = Updater();
        _rig.Host.Alarms = 1;

        Assert.Equal(UpdateAcceptanceState.Accepted, updater.Offer(_rig.Request(UpdateRig.VersionB, archive, server.Url)).State);
        await Eventually.UntilAsync(() => Directory.Exists(Path.Combine(_rig.InstallDir, "releases", UpdateRig.VersionB)), TimeSpan.FromSeconds(30));
        await Task.Delay(1500);

        Assert.False(updater.Work.IsCompleted);
        Assert.Equal(ReleaseInstall.TargetOf(UpdateRig.VersionA), _rig.CurrentTarget);
        Assert.Equal(0, _rig.Host.Stops);
        Assert.False(File.Exists(_rig.StatePath));

        _rig.Host.Alarms = 0;
        await updater.Work.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ReleaseInstall.TargetOf(UpdateRig.VersionB), _rig.CurrentTarget);
        Assert.Equal(1, _rig.Host.Stops);
    }

    [Fact]
    public async Task An_archive_that_is_not_the_signed_one_is_update_failed_at_verify_and_nothing_switches()
    {
        var archive = _rig.Archive(UpdateRig.VersionB);
        var request = _rig.Request(UpdateRig.VersionB, archive, new Uri("http://127.0.0.1:1/"));

        // The server hands out another build of the same version: same size, other bytes.
        var other = _rig.Archive(UpdateRig.VersionB, (tar, top) => UpdateRig.AddFile(tar, top + "/extra", "x", (UnixFileMode)0b110_100_100), "other.tar.gz");
        using var server = new ReleaseServer(other);
        await using var updater = Updater();

        Assert.Equal(UpdateAcceptanceState.Accepted, updater.Offer(request with { Url = server.Url }).State);
        await updater.Work.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ReleaseInstall.TargetOf(UpdateRig.VersionA), _rig.CurrentTarget);
        Assert.Equal(0, _rig.Host.Stops);
        Assert.False(File.Exists(_rig.StatePath));
        var failed = Assert.Single(_rig.Host.Events);
        Assert.Equal(CareEventKind.UpdateFailed, failed.Kind);
        Assert.Contains(failed.Data["stage"], new[] { "download", "verify" });
        Assert.Equal(UpdateRig.VersionB, failed.Data["version"]);
        Assert.Equal(UpdateRig.VersionA, failed.Data["from"]);
        Assert.Equal("wave-1", failed.Data["rollout"]);
        Assert.Contains("not the signed release", failed.Data["reason"], StringComparison.Ordinal);

        // Failed and finished: the centre may offer it again.
        Assert.Equal(UpdateAcceptanceState.Accepted, updater.Offer(request with { Url = server.Url }).State);
        await updater.Work.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task The_running_version_is_current()
    {
        await using var updater = Updater();
        var archive = _rig.Archive(UpdateRig.VersionA);
        Assert.Equal(UpdateAcceptanceState.Current, updater.Offer(_rig.Request(UpdateRig.VersionA, archive, Nowhere)).State);
    }

    [Fact]
    public async Task A_gateway_not_installed_from_a_release_refuses_naming_install_dir()
    {
        using var demo = new UpdateRig(installed: false);
        await using var updater = Updater(demo, "0.38.0");
        var archive = demo.Archive(UpdateRig.VersionB);

        var answer = updater.Offer(demo.Request(UpdateRig.VersionB, archive, Nowhere));

        Assert.Equal(UpdateAcceptanceState.Refused, answer.State);
        Assert.Contains("not installed from a release (update.install_dir", answer.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_foreign_key_is_refused_naming_it()
    {
        await using var updater = Updater();
        var archive = _rig.Archive(UpdateRig.VersionB);
        var (foreignPem, _) = ReleaseSigning.NewKeyPair();
        using var foreign = ReleaseSigning.ImportPrivateKey(foreignPem, "foreign");

        var answer = updater.Offer(_rig.Request(UpdateRig.VersionB, archive, Nowhere, _rig.Sign(archive, key: foreign)));

        Assert.Equal(UpdateAcceptanceState.Refused, answer.State);
        Assert.Contains($"signed by key {ReleaseSigning.KeyId(foreign.PublicKey)}, which is not trusted here", answer.Reason, StringComparison.Ordinal);
        Assert.Equal(Task.CompletedTask, updater.Work);
    }

    [Fact]
    public async Task A_manifest_that_differs_from_the_args_is_refused()
    {
        await using var updater = Updater();
        var archive = _rig.Archive(UpdateRig.VersionB);
        var request = _rig.Request(UpdateRig.VersionB, archive, Nowhere);

        var otherHash = updater.Offer(request with { Sha256 = new string('0', 64) });
        var otherSize = updater.Offer(request with { Size = request.Size + 1 });
        var otherVersion = updater.Offer(request with { Version = "0.40.0+cccccccccccc" });
        var forged = updater.Offer(request with { Signature = request.Signature with { Manifest = Convert.ToBase64String(new byte[] { 1, 2, 3 }) } });

        Assert.Contains("is not the archive that was signed", otherHash.Reason, StringComparison.Ordinal);
        Assert.Contains("is not the archive that was signed", otherSize.Reason, StringComparison.Ordinal);
        Assert.Contains($"the signed manifest is for version {UpdateRig.VersionB}, the command says 0.40.0+cccccccccccc", otherVersion.Reason, StringComparison.Ordinal);
        Assert.Contains("the signature does not verify", forged.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_downgrade_is_refused_unless_signed_as_a_rollback()
    {
        await using var updater = Updater();
        var archive = _rig.Archive("0.37.0+000000000000");

        var downgrade = updater.Offer(_rig.Request("0.37.0+000000000000", archive, Nowhere));
        Assert.Equal(UpdateAcceptanceState.Refused, downgrade.State);
        Assert.Contains("a downgrade is refused unless the release is signed as a rollback", downgrade.Reason, StringComparison.Ordinal);

        using var server = new ReleaseServer(archive);
        _rig.Host.Alarms = 1;
        var rollback = updater.Offer(_rig.Request("0.37.0+000000000000", archive, server.Url, _rig.Sign(archive, rollback: true)));
        Assert.Equal(UpdateAcceptanceState.Accepted, rollback.State);

        // Another version while one is under way is refused.
        var other = _rig.Archive(UpdateRig.VersionB);
        Assert.Contains("an update to 0.37.0+000000000000 is under way", updater.Offer(_rig.Request(UpdateRig.VersionB, other, Nowhere)).Reason, StringComparison.Ordinal);
        _rig.Host.Alarms = 0;
        await updater.Work.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("releases/0.37.0+000000000000", _rig.CurrentTarget);
    }
}
