using System.Formats.Tar;
using System.IO.Compression;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Rollouts;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Centre.Tests.Rollouts;

/// <summary>
/// <c>edgegateway central rollout start|status|halt</c> as a process against a real SQLite archive, with releases signed
/// by <c>edgegateway release sign</c>: what the gateways would refuse never gets published or planned.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RolloutCliTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _dir = Directory.CreateTempSubdirectory("rollout-cli-").FullName;
    private string Store => Path.Combine(_dir, "centre.db");
    private string Releases => Path.Combine(_dir, "releases");
    private string Archive => Path.Combine(_dir, "edgegateway-0.2.0-linux-arm64.tar.gz");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Releases);
        await using var archive = await SqliteArchive.OpenAsync(Store);
        var now = DateTimeOffset.UtcNow;
        for (var i = 1; i <= 8; i++)
        {
            var gw = $"home-{i}";
            await archive.RecordHeartbeatAsync(gw, new HeartbeatInfo(Guid.NewGuid(), now, 0, true, null, """{"states":{"version":"0.1.0+aaa"}}"""), now);
            await archive.PutResidentAsync(new SealedResident(gw, i <= 5 ? "north" : "south", "sealed", now, "coordinator"), new OperatorAction(now, "coordinator", "resident-put", gw, null, null, "ok", null));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<(string Pub, string Key)> KeysAsync(string name)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
        var r = await CliRunner.RunAsync(Timeout, "release", "keygen", "--out", dir);
        Assert.True(r.ExitCode == 0, r.StdErr);
        return (Path.Combine(dir, "release-signing.pub"), Path.Combine(dir, "release-signing.key"));
    }

    // A release as deploy/release.sh lays it out: NAME/VERSION, NAME/BUILDINFO, NAME/app/… in a .tar.gz.
    private void MakeRelease(string version)
    {
        var top = Directory.CreateDirectory(Path.Combine(_dir, "src-" + version)).FullName;
        Directory.CreateDirectory(Path.Combine(top, "app"));
        File.WriteAllText(Path.Combine(top, "VERSION"), version + "\n");
        File.WriteAllText(Path.Combine(top, "BUILDINFO"), "sdk=10.0.401\nruntime=10.0.12\nrid=linux-arm64\ntrimmed=true\n");
        File.WriteAllText(Path.Combine(top, "app", "edgegateway"), "the gateway " + version + new string('x', 3000));
        using var file = File.Create(Archive);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var f in Directory.EnumerateFiles(top, "*", SearchOption.AllDirectories))
        {
            tar.WriteEntry(f, "edgegateway-" + version + "-linux-arm64/" + Path.GetRelativePath(top, f));
        }
    }

    private async Task SignAsync(string key)
    {
        var r = await CliRunner.RunAsync(Timeout, "release", "sign", Archive, "--key", key);
        Assert.True(r.ExitCode == 0, r.StdErr);
    }

    private Task<CliResult> StartAsync(string pub, params string[] more) => CliRunner.RunAsync(Timeout,
        [
            "central", "rollout", "start", "--store", Store, "--release", Archive, "--key", pub, "--releases-dir", Releases,
            "--base-url", "https://centre.example.org", "--waves", "25,100", "--canary", "home-3", "--by", "Tech Tore", .. more,
        ]);

    [Fact]
    public async Task Start_refuses_a_tampered_archive_and_a_foreign_key_and_publishes_nothing()
    {
        var (pub, key) = await KeysAsync("ours");
        var (foreignPub, _) = await KeysAsync("foreign");
        MakeRelease("0.2.0+bbb");
        await SignAsync(key);

        var foreign = await StartAsync(foreignPub);
        Assert.Equal(2, foreign.ExitCode);
        Assert.Contains("--release refused: signed by key", foreign.StdErr, StringComparison.Ordinal);
        Assert.Contains("which is not trusted here", foreign.StdErr, StringComparison.Ordinal);

        await using (var f = new FileStream(Archive, FileMode.Open, FileAccess.Write))
        {
            f.Position = 40;
            f.WriteByte(0xff);
        }

        var tampered = await StartAsync(pub);
        Assert.Equal(2, tampered.ExitCode);
        Assert.Contains("is not the archive that was signed", tampered.StdErr, StringComparison.Ordinal);

        var badWaves = await CliRunner.RunAsync(Timeout, "central", "rollout", "start", "--store", Store, "--release", Archive, "--key", pub, "--releases-dir", Releases,
            "--base-url", "https://centre.example.org", "--waves", "5,50", "--by", "Tech Tore");
        Assert.Equal(2, badWaves.ExitCode);
        Assert.Contains("--waves '5,50' is invalid", badWaves.StdErr, StringComparison.Ordinal);

        Assert.Empty(Directory.GetFiles(Releases));
        await using var archive = await SqliteArchive.OpenAsync(Store);
        Assert.Null(await archive.LatestRolloutAsync());
    }

    [Fact]
    public async Task Start_publishes_and_prints_the_plan_status_shows_it_and_halt_stops_it()
    {
        var (pub, key) = await KeysAsync("ours");
        MakeRelease("0.2.0+bbb");
        await SignAsync(key);

        var unknownCanary = await CliRunner.RunAsync(Timeout, "central", "rollout", "start", "--store", Store, "--release", Archive, "--key", pub, "--releases-dir", Releases,
            "--base-url", "https://centre.example.org", "--canary", "home-99", "--by", "Tech Tore");
        Assert.Equal(2, unknownCanary.ExitCode);
        Assert.Contains("--canary 'home-99': no such gateway in the archive", unknownCanary.StdErr, StringComparison.Ordinal);

        var start = await StartAsync(pub, "--window", "10:00-14:00");
        Assert.True(start.ExitCode == 0, start.StdErr);
        // 25 % of 8 is the canary and one more; the south zone (3 homes) would be all in wave 2 and gives one to wave 1.
        Assert.Contains("wave 1: 3 home(s)\n  home-3  zone north  waiting\n  home-1  zone north  waiting\n  home-8  zone south  waiting\nwave 2: 5 home(s)", start.StdOut.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllBytesAsync(Archive), await File.ReadAllBytesAsync(Path.Combine(Releases, Path.GetFileName(Archive))));
        Assert.Equal(await File.ReadAllTextAsync(Archive + ".sig"), await File.ReadAllTextAsync(Path.Combine(Releases, Path.GetFileName(Archive) + ".sig")));

        var again = await StartAsync(pub);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("a rollout is running already", again.StdErr, StringComparison.Ordinal);

        var status = await CliRunner.RunAsync(Timeout, "central", "rollout", "status", "--store", Store);
        Assert.True(status.ExitCode == 0, status.StdErr);
        Assert.Contains(": running, wave 1 of 2 (25,100 %), release 0.2.0+bbb", status.StdOut, StringComparison.Ordinal);
        Assert.Contains("wave 1: 3 waiting", status.StdOut, StringComparison.Ordinal);
        Assert.Contains("  0.1.0+aaa: 8 home(s)", status.StdOut, StringComparison.Ordinal);

        var noReason = await CliRunner.RunAsync(Timeout, "central", "rollout", "halt", "--store", Store, "--by", "Tech Tore");
        Assert.NotEqual(0, noReason.ExitCode);
        var halt = await CliRunner.RunAsync(Timeout, "central", "rollout", "halt", "--store", Store, "--by", "Tech Tore", "--reason", "home-3 lost its 4G path after the update");
        Assert.True(halt.ExitCode == 0, halt.StdErr);
        Assert.Contains("halted at wave 1: halted by Tech Tore: home-3 lost its 4G path after the update", halt.StdOut, StringComparison.Ordinal);

        var after = await CliRunner.RunAsync(Timeout, "central", "rollout", "status", "--store", Store);
        Assert.Contains(": halted, wave 1", after.StdOut, StringComparison.Ordinal);
        Assert.Contains("halted: halted by Tech Tore: home-3 lost its 4G path after the update", after.StdOut, StringComparison.Ordinal);
        var twice = await CliRunner.RunAsync(Timeout, "central", "rollout", "halt", "--store", Store, "--by", "Tech Tore", "--reason", "again");
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("no rollout is running", twice.StdErr, StringComparison.Ordinal);

        await using var archive = await SqliteArchive.OpenAsync(Store);
        var stored = await archive.LatestRolloutAsync();
        Assert.Equal(RolloutStates.Halted, stored!.State);
        Assert.Equal("https://centre.example.org/releases/edgegateway-0.2.0-linux-arm64.tar.gz", stored.Spec.Release.Url);
        Assert.Equal(RolloutWindow.Parse("10:00-14:00"), stored.Spec.Window);
    }
}
