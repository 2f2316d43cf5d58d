using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeGateway.Releases;
using EdgeGateway.TestSupport;
using Xunit.Abstractions;

namespace EdgeGateway.Tests.Updates;

/// <summary>
/// The test that would have caught Luleå (issue 32): ten real gateway processes, each in its own home folder with A/B
/// releases under a supervisor that restarts them as systemd would, a real mosquitto and the real centre process. A release
/// whose alarm path is broken reaches only the canary, which is back on its old release within its gate, and the rollout
/// halts; the fixed release then reaches every home in waves, each proving its alarm path; no event is lost meanwhile.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FleetRolloutTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Homes = 10;
    private const int GateSeconds = 60;
    private const string Old = "1.0.0+test";
    private const string Broken = "1.1.0+test";
    private const string Fixed = "1.1.1+test";
    private const string Crashing = "1.2.0+test";
    private readonly string _dir = Directory.CreateTempSubdirectory("fleet-rollout-").FullName;
    private readonly List<SupervisedHome> _homes = [];
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private MosquittoBroker? _broker;
    private PtyPair? _cable;
    private CliProcess? _centre;
    private string _web = "";
    private string _store = "";
    private string _releases = "";
    private string _publicKey = "";
    private string _privateKey = "";

    public async Task InitializeAsync()
    {
        (_privateKey, _publicKey) = ReleaseSigning.NewKeyPair();
        File.WriteAllText(Path.Combine(_dir, "release.pub"), _publicKey);
        _broker = await MosquittoBroker.StartAsync();
        _store = Path.Combine(_dir, "centre.db");
        _releases = Path.Combine(_dir, "served");
        Directory.CreateDirectory(_releases);
        var port = MosquittoBroker.FreePort();
        _web = $"http://127.0.0.1:{port}";
        _centre = CliProcess.Start("central", "--broker", _broker.Url, "--plain-loopback-demo", "--store", _store, "--web", $"127.0.0.1:{port}", "--releases-dir", _releases);

        var old = TestRelease.Folder(Path.Combine(_dir, "built"), Old);

        // The canary's technician console is on a serial line: she raises an alarm there while it runs the broken release.
        _cable = await PtyPair.StartAsync(Directory.CreateDirectory(Path.Combine(_dir, "cable")).FullName);
        for (var i = 1; i <= Homes; i++)
        {
            var home = SupervisedHome.Install(Path.Combine(_dir, $"home-{i:00}"), $"home-{i:00}", old, _broker.Url, _publicKey, GateSeconds, i == 1 ? _cable.GatewayEnd : null);
            _homes.Add(home);
            home.Start();
        }

        // The plan is made from the fleet the centre knows: every home must have reported in first.
        await Eventually.UntilAsync(() => OnlineGateways() == Homes, TimeSpan.FromMinutes(3), () => $"{OnlineGateways()} of {Homes} online; centre: {_centre.StdErr}");
    }

    [Fact]
    public async Task A_broken_release_stops_at_its_canary_which_rolls_back_and_the_fixed_one_reaches_every_home_with_no_event_lost()
    {
        var raised = new List<Guid>();
        using var stopTests = new CancellationTokenSource();
        var tests = RaiseTestAlarmsAsync(raised, stopTests.Token);

        // 1. The broken release: its gateway arms the loop but never reaches the centre (its launcher points it at a dead broker).
        var dead = MosquittoBroker.FreePort();
        var broken = TestRelease.Pack(TestRelease.Folder(Path.Combine(_dir, "built"), Broken, $"--broker mqtt://127.0.0.1:{dead}"), Path.Combine(_dir, "out"), _privateKey);
        var clock = Stopwatch.StartNew();
        await StartRolloutAsync(broken);

        // While the canary runs it, an alarm is raised there (a test alarm at its console): it cannot reach the centre now.
        var canary = _homes[0];
        await Eventually.UntilAsync(() => canary.Runs[^1].Version == Broken, TimeSpan.FromMinutes(1), () => canary.Log);
        var raisedOnBroken = DateTimeOffset.UtcNow;
        using (var laptop = new LaptopTerminal(_cable!.LaptopEnd))
        {
            await laptop.LogInAsync(TechnicianConsole.Security.PinPolicy.DemoPin);
            laptop.Type("test alarm\r");
            await laptop.ExpectAsync("sending a test alarm", 20);
        }

        var halted = await RolloutUntilAsync(r => State(r) == "halted", TimeSpan.FromMinutes(4));
        output.WriteLine($"broken release halted after {clock.Elapsed.TotalSeconds:0} s: {halted[halted.IndexOf("\"haltReason\"", StringComparison.Ordinal)..][..220]}");
        Assert.Contains("home-01", halted, StringComparison.Ordinal);

        await Eventually.UntilAsync(() => canary.CurrentVersion == Old && canary.Runs[^1].Version == Old, TimeSpan.FromMinutes(2), () => canary.Log);
        Assert.Contains(canary.Runs, r => r.Version == Broken);
        var rollback = canary.Runs.First(r => r.Version == Broken);
        var back = canary.Runs.First(r => r.Version == Old && r.Started > rollback.Started);
        output.WriteLine($"canary rolled back: the broken release started at {rollback.Started:HH:mm:ss}, the old one again at {back.Started:HH:mm:ss} ({(back.Started - rollback.Started).TotalSeconds:0.0} s, gate {GateSeconds} s)");
        Assert.True(back.Started - rollback.Started < TimeSpan.FromSeconds(GateSeconds + 30), "the canary must be back within its gate");

        // The technician at the canary's console sees what happened to the update.
        using (var laptop = new LaptopTerminal(_cable!.LaptopEnd))
        {
            await laptop.LogInAsync(TechnicianConsole.Security.PinPolicy.DemoPin);
            laptop.Type("status\r");
            var status = await laptop.ExpectAsync("sensors", 20);
            Assert.Contains($"version  {Old}", status, StringComparison.Ordinal);
            Assert.Contains($"update: FAULT ({Broken} rolled back to {Old} (gate): the centre was never reached", status, StringComparison.Ordinal);
        }

        // The centre is told why, and raised its own alarm for the halt.
        var failed = await EventAsync(e => Type(e) == "technical.update-failed" && Gateway(e) == "home-01", TimeSpan.FromMinutes(1));
        Assert.Equal(Broken, failed.GetProperty("data").GetProperty("version").GetString());
        Assert.Equal("gate", failed.GetProperty("data").GetProperty("stage").GetString());

        // The alarm raised on the broken release could not leave then; the old release, sharing its outbox, delivered it.
        var late = await EventAsync(e => Type(e) == "alarm.test" && Gateway(e) == "home-01" && Data(e, "by") == "technician console", TimeSpan.FromMinutes(1));
        Assert.True(late.GetProperty("time").GetDateTimeOffset() >= raisedOnBroken.AddSeconds(-1) && late.GetProperty("time").GetDateTimeOffset() < back.Started, "the console's alarm was raised on the broken release");
        output.WriteLine($"the alarm raised on the broken release at {late.GetProperty("time").GetString()} arrived after the rollback");
        // The halt is an alarm at the centre; the technician reads why and clears it (the home's updates wait until she does).
        using (var open = JsonDocument.Parse(await Http.GetStringAsync($"{_web}/api/alarms?state=open")))
        {
            var halt = open.RootElement.EnumerateArray().Single(a => a.GetProperty("type").GetString() == "supervision.rollout-halted");
            Assert.Equal("home-01", halt.GetProperty("gateway").GetString());
            output.WriteLine($"centre alarm: {halt.GetProperty("message").GetString()}");
            using var cleared = await Http.PostAsJsonAsync($"{_web}/api/alarms/{halt.GetProperty("id").GetString()}/clear", new { @operator = "Technician Tove", reason = "no help needed" });
            Assert.True(cleared.IsSuccessStatusCode, await cleared.Content.ReadAsStringAsync());
        }

        // No other home ever took it, or even downloaded a byte of it.
        foreach (var home in _homes.Skip(1))
        {
            Assert.DoesNotContain(home.Runs, r => r.Version == Broken);
            Assert.False(Directory.Exists(Path.Combine(home.Opt, "releases", Broken)), $"{home.Id} unpacked the broken release");
            var downloads = Path.Combine(home.Data, "update");
            Assert.True(!Directory.Exists(downloads) || Directory.GetFiles(downloads, "*.part").Length + Directory.GetFiles(downloads, "*.tar.gz").Length == 0, $"{home.Id} downloaded the broken release");
        }

        // 2. The fixed release, in waves: every home updated, every home's gate passed.
        var fixedArchive = TestRelease.Pack(TestRelease.Folder(Path.Combine(_dir, "built"), Fixed), Path.Combine(_dir, "out"), _privateKey);
        clock.Restart();
        await StartRolloutAsync(fixedArchive);
        var done = await RolloutUntilAsync(r => State(r) == "completed", TimeSpan.FromMinutes(6));
        output.WriteLine($"fixed release on all {Homes} homes after {clock.Elapsed.TotalSeconds:0} s");
        using (var doc = JsonDocument.Parse(done))
        {
            // The figure the operator plans with: one home from the update command to its passed gate.
            var perHome = doc.RootElement.GetProperty("rollout").GetProperty("homes").EnumerateArray()
                .Select(h => (h.GetProperty("doneAt").GetDateTimeOffset() - h.GetProperty("sentAt").GetDateTimeOffset()).TotalSeconds).Order().ToList();
            output.WriteLine($"update command → passed gate per home: min {perHome[0]:0.0} s, median {perHome[perHome.Count / 2]:0.0} s, max {perHome[^1]:0.0} s");
        }
        foreach (var home in _homes)
        {
            Assert.Equal(Fixed, home.CurrentVersion);
            var completed = await EventAsync(e => Type(e) == "technical.update-completed" && Gateway(e) == home.Id && Data(e, "version") == Fixed, TimeSpan.FromMinutes(1));
            output.WriteLine($"{home.Id}: gate passed {Data(completed, "gateSeconds")} s after the switch; {Data(completed, "downloadedBytes")} bytes downloaded");
        }

        // 3. Nothing lost: every test alarm the centre had raised arrived, and each boot's events are gap-free.
        await stopTests.CancelAsync();
        await tests;
        Assert.NotEmpty(raised);
        await Eventually.UntilAsync(() => raised.All(id => Events().Any(e => e.GetProperty("id").GetString() == id.ToString())), TimeSpan.FromMinutes(1), () => "not all raised test alarms arrived");
        foreach (var boot in Events().GroupBy(e => (Gateway(e), e.GetProperty("bootid").GetString())))
        {
            var sequences = boot.Select(e => long.Parse(e.GetProperty("sequence").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
            Assert.True(sequences.SequenceEqual(Enumerable.Range(1, sequences.Count).Select(i => (long)i)), $"{boot.Key}: sequences {string.Join(",", sequences)} have a gap");
        }

        output.WriteLine($"{raised.Count} test alarms raised during the rollouts, all arrived; {Events().Count} events in all");

        // 4. A release that never starts (it crashes at once, every time): the start guard takes the canary back after
        // max_starts, the old release reports why, and the rollout halts again.
        var crashing = TestRelease.Pack(TestRelease.Folder(Path.Combine(_dir, "built"), Crashing, crashes: true), Path.Combine(_dir, "out"), _privateKey);
        clock.Restart();
        await StartRolloutAsync(crashing);
        var crashHalt = await RolloutUntilAsync(r => State(r) == "halted", TimeSpan.FromMinutes(3));
        output.WriteLine($"crashing release halted after {clock.Elapsed.TotalSeconds:0} s: {crashHalt[crashHalt.IndexOf("\"haltReason\"", StringComparison.Ordinal)..][..200]}");
        var crashFailed = await EventAsync(e => Type(e) == "technical.update-failed" && Gateway(e) == "home-01" && Data(e, "version") == Crashing, TimeSpan.FromMinutes(1));
        Assert.Equal("start", Data(crashFailed, "stage"));
        Assert.Contains("crash loop", Data(crashFailed, "reason"), StringComparison.Ordinal);
        await Eventually.UntilAsync(() => canary.CurrentVersion == Fixed && canary.Runs[^1].Version == Fixed, TimeSpan.FromMinutes(1), () => canary.Log);
        Assert.Equal(3, canary.Runs.Count(r => r.Version == Crashing));
        Assert.All(_homes.Skip(1), h => Assert.DoesNotContain(h.Runs, r => r.Version == Crashing));

        // Every stop for a switch or a rollback was a clean one (systemd would log any other exit as a failure).
        Assert.All(_homes.SelectMany(h => h.Runs).Where(r => r.Version != Crashing && r.ExitCode is not null), r => Assert.Equal(0, r.ExitCode));
    }

    /// <summary>Raises a test alarm at one home after another through the centre's API while the rollouts run, keeping the ids the gateways replied with.</summary>
    private async Task RaiseTestAlarmsAsync(List<Guid> raised, CancellationToken ct)
    {
        for (var i = 0; !ct.IsCancellationRequested; i++)
        {
            try
            {
                var home = _homes[1 + (i % (Homes - 1))];
                using var reply = await Http.PostAsJsonAsync($"{_web}/api/gateways/{home.Id}/test", new { @operator = "rollout test" }, ct);
                var body = await reply.Content.ReadAsStringAsync(ct);
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String)
                {
                    lock (raised)
                    {
                        raised.Add(e.GetGuid());
                    }
                }

                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task StartRolloutAsync(string archive)
    {
        await using var start = CliProcess.Start(
            "central", "rollout", "start", "--store", _store, "--release", archive, "--key", Path.Combine(_dir, "release.pub"),
            "--releases-dir", _releases, "--base-url", _web, "--waves", "10,50,100", "--soak-minutes", "0",
            "--gate-seconds", GateSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--canary", "home-01", "--by", "Technician Tove");
        await start.WaitForExitAsync(TimeSpan.FromMinutes(1));
        output.WriteLine(start.StdOut);
        Assert.True(start.ExitCode == 0, $"rollout start failed: {start.StdOut} {start.StdErr}");
    }

    private async Task<string> RolloutUntilAsync(Func<JsonElement, bool> until, TimeSpan timeout)
    {
        var last = "";
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            last = await Http.GetStringAsync($"{_web}/api/rollout");
            using var doc = JsonDocument.Parse(last);
            if (until(doc.RootElement))
            {
                return last;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"rollout: {last}\n{string.Join("\n", _homes.Select(h => $"--- {h.Id} ({string.Join(" → ", h.Runs.Select(r => r.Version))})\n{Tail(h.Log)}"))}\ncentre: {Tail(_centre!.StdErr)}");
    }

    private static string? State(JsonElement rollout) =>
        rollout.TryGetProperty("rollout", out var r) && r.ValueKind == JsonValueKind.Object && r.TryGetProperty("state", out var s) ? s.GetString() : null;

    private async Task<JsonElement> EventAsync(Func<JsonElement, bool> match, TimeSpan timeout)
    {
        JsonElement? found = null;
        await Eventually.UntilAsync(() => (found = Events().Cast<JsonElement?>().FirstOrDefault(e => match(e!.Value))) is not null, timeout, () => "event not seen");
        return found!.Value;
    }

    /// <summary>Every event the centre stored, as it printed them (one JSON line each).</summary>
    private List<JsonElement> Events() =>
        _centre!.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .ToList();

    private int OnlineGateways()
    {
        try
        {
            using var doc = JsonDocument.Parse(Http.GetStringAsync($"{_web}/api/gateways").GetAwaiter().GetResult());
            return doc.RootElement.EnumerateArray().Count(g => g.TryGetProperty("state", out var s) && s.GetString() == "online");
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private static string Type(JsonElement e) => e.GetProperty("type").GetString()!.Replace("org.edgegateway.", "", StringComparison.Ordinal);

    private static string Gateway(JsonElement e) => e.GetProperty("source").GetString()!.Split('/')[^1];

    private static string? Data(JsonElement e, string key) => e.GetProperty("data").TryGetProperty(key, out var v) ? v.GetString() : null;

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_homes.Select(h => h.DisposeAsync().AsTask()));

        if (_centre is not null)
        {
            await _centre.DisposeAsync();
        }

        _cable?.Dispose();
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }
}
