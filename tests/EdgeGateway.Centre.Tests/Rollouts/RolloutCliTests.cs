using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Rollouts;
using EdgeGateway.Contract;
using EdgeGateway.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;

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
        Assert.Equal("https://centre.example.org/releases/edgegateway-0.2.0-linux-arm64.tar.gz", stored.Spec.Release!.Url);
        Assert.Equal(RolloutWindow.Parse("10:00-14:00"), stored.Spec.Window);
    }

    [Fact]
    public async Task A_config_rollout_starts_from_a_changes_file_and_a_bad_one_or_both_kinds_at_once_are_refused()
    {
        var changes = Path.Combine(_dir, "changes.json");
        await File.WriteAllTextAsync(changes, """{"uplink.heartbeat_seconds": [120]}""");
        var bad = await CliRunner.RunAsync(Timeout, "central", "rollout", "start", "--store", Store, "--config-changes", changes, "--by", "Tech Tore");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("expected a JSON object of config keys to strings, numbers or booleans", bad.StdErr, StringComparison.Ordinal);
        var both = await CliRunner.RunAsync(Timeout, "central", "rollout", "start", "--store", Store, "--config-changes", changes, "--release", Archive, "--by", "Tech Tore");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("give either --release ARCHIVE (a signed release) or --config-changes FILE", both.StdErr, StringComparison.Ordinal);

        await File.WriteAllTextAsync(changes, """{"uplink.heartbeat_seconds": 120}""");
        var start = await CliRunner.RunAsync(Timeout, "central", "rollout", "start", "--store", Store, "--config-changes", changes, "--config-reason", "fewer heartbeats on 4G",
            "--waves", "50,100", "--canary", "home-6", "--by", "Tech Tore");
        Assert.True(start.ExitCode == 0, start.StdErr);
        Assert.Contains("""started: config.set {"uplink.heartbeat_seconds": 120}""", start.StdOut, StringComparison.Ordinal);
        Assert.Contains("wave 1: 4 home(s)\n  home-6  zone south", start.StdOut.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        var status = await CliRunner.RunAsync(Timeout, "central", "rollout", "status", "--store", Store);
        Assert.Contains("""running, wave 1 of 2 (50,100 %), config.set {"uplink.heartbeat_seconds": 120}""", status.StdOut, StringComparison.Ordinal);
        await using var archive = await SqliteArchive.OpenAsync(Store);
        var stored = (await archive.LatestRolloutAsync())!.Spec;
        Assert.Equal("config", stored.Kind);
        Assert.Null(stored.Release);
        Assert.Equal("fewer heartbeats on 4G", stored.Config!.Reason);
    }

    [Fact]
    public async Task A_running_central_serves_the_published_archive_with_range_and_its_driver_sends_update_to_the_canary_over_the_broker()
    {
        var (pub, key) = await KeysAsync("ours");
        MakeRelease("0.2.0+bbb");
        await SignAsync(key);
        var start = await CliRunner.RunAsync(Timeout, "central", "rollout", "start", "--store", Store, "--release", Archive, "--key", pub, "--releases-dir", Releases,
            "--base-url", "http://127.0.0.1:1", "--waves", "10,100", "--canary", "home-3", "--by", "Tech Tore");
        Assert.True(start.ExitCode == 0, start.StdErr);

        // The homes' end of the commands: each takes the update and answers accepted.
        await using var broker = await MosquittoBroker.StartAsync();
        using var homes = new MqttClientFactory().CreateMqttClient();
        var commands = new List<(string Topic, JsonElement Command)>();
        homes.ApplicationMessageReceivedAsync += async e =>
        {
            var topic = e.ApplicationMessage.Topic;
            using var doc = JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString());
            lock (commands)
            {
                commands.Add((topic, doc.RootElement.Clone()));
            }

            var gateway = Topics.GatewayIdOf(topic)!;
            var reply = $$$"""{"command":"{{{doc.RootElement.GetProperty("id").GetString()}}}","type":"update","gateway":"{{{gateway}}}","time":"{{{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}}}","clocksynced":true,"status":"ok","result":{"state":"accepted"}}""";
            await homes.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Replies(gateway)).WithPayload(Encoding.UTF8.GetBytes(reply)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        };
        await homes.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("homes").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        await homes.SubscribeAsync(Topics.Commands("+"), MqttQualityOfServiceLevel.AtLeastOnce);

        var port = MosquittoBroker.FreePort();
        await using var central = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--store", Store, "--web", $"127.0.0.1:{port}", "--releases-dir", Releases);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!central.StdErr.Contains("JSON API on", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline && !central.HasExited, $"central did not start its API: {central.StdErr}");
            await Task.Delay(100);
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri("releases/" + Path.GetFileName(Archive), UriKind.Relative)))
        {
            request.Headers.Range = new RangeHeaderValue(10, null);
            using var part = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal((await File.ReadAllBytesAsync(Archive))[10..], await part.Content.ReadAsByteArrayAsync());
        }

        // The driver ticks every 5 s: the canary's update arrives, and its accepted reply is stored.
        await using var archive = await SqliteArchive.OpenAsync(Store);
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await archive.RolloutHomesAsync((await archive.LatestRolloutAsync())!.Id)).Single(h => h.Gateway == "home-3").State != RolloutHomeStates.Sent)
        {
            Assert.True(DateTime.UtcNow < deadline && !central.HasExited, $"home-3 never accepted: {central.StdErr}");
            await Task.Delay(200);
        }

        List<(string Topic, JsonElement Command)> seen;
        lock (commands)
        {
            seen = [.. commands];
        }

        var update = seen.First(c => c.Topic == Topics.Commands("home-3")).Command;
        Assert.Equal("update", update.GetProperty("type").GetString());
        var args = update.GetProperty("args");
        Assert.Equal("0.2.0+bbb", args.GetProperty("version").GetString());
        Assert.Equal("http://127.0.0.1:1/releases/edgegateway-0.2.0-linux-arm64.tar.gz", args.GetProperty("url").GetString());
        Assert.Equal(new FileInfo(Archive).Length, args.GetProperty("size").GetInt64());
        using var sig = JsonDocument.Parse(await File.ReadAllTextAsync(Archive + ".sig"));
        Assert.Equal(sig.RootElement.GetProperty("key_id").GetString(), args.GetProperty("signature").GetProperty("key_id").GetString());
        Assert.Equal(sig.RootElement.GetProperty("manifest").GetString(), args.GetProperty("signature").GetProperty("manifest").GetString());
        Assert.Equal(300, args.GetProperty("gate_seconds").GetInt32());

        // 10 % of 8 homes is the canary alone, plus home-8: the south zone's three homes would all be in wave 2. Nobody
        // else was sent anything, and nobody twice (both accepted).
        await Task.Delay(TimeSpan.FromSeconds(6));
        lock (commands)
        {
            seen = [.. commands];
        }

        Assert.Equal([Topics.Commands("home-3"), Topics.Commands("home-8")], seen.Select(c => c.Topic).Order(StringComparer.Ordinal));
        Assert.False(central.HasExited, central.StdErr);
    }
}
