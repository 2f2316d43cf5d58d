using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Rollouts;
using EdgeGateway.Centre.Tests.Archive;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Centre.Tests.Rollouts;

/// <summary>The rollout driver on SQLite.</summary>
[Trait("Category", "Integration")]
public sealed class SqliteRolloutDriverTests : RolloutDriverTests, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rollout-").FullName;

    protected override async Task<IArchive> OpenArchiveAsync() => await SqliteArchive.OpenAsync(Path.Combine(_dir, "centre.db"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>The rollout driver on a real PostgreSQL (several centre instances share one).</summary>
[Trait("Category", "Integration")]
public sealed class PostgresRolloutDriverTests(PostgresFixture pg) : RolloutDriverTests, IClassFixture<PostgresFixture>
{
    private string? _database;

    protected override async Task<IArchive> OpenArchiveAsync()
    {
        _database ??= await pg.Server.CreateDatabaseAsync();
        return await PostgresArchive.OpenAsync(_database);
    }
}

/// <summary>
/// The driver of a release rollout, on a real archive and a fake clock: the gateways are scripted repliers to the
/// <c>update</c> command (what the centre's command round trip returns), their reports real events stored as ingest does.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public abstract class RolloutDriverTests : IAsyncLifetime
{
    // 09:00 UTC, 10:00 in Oslo (winter time).
    private static readonly DateTimeOffset T0 = new(2026, 1, 12, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
    private const string Version = "0.2.0+abc";
    private readonly FakeTimeProvider _time = new(T0);
    private readonly StrictLogs _logs = new();
    private readonly List<IArchive> _archives = [];
    private readonly List<RolloutDriver> _drivers = [];
    private IArchive _archive = null!;

    /// <summary>Every update command sent, in order: (gateway, args as JSON).</summary>
    private readonly List<(string Gateway, JsonElement Args)> _sent = [];

    /// <summary>What each gateway answers; accepted by default.</summary>
    private readonly Dictionary<string, Func<string, CommandOutcome>> _replies = new(StringComparer.Ordinal);

    protected abstract Task<IArchive> OpenArchiveAsync();

    public async Task InitializeAsync() => _archive = await OpenAsync();

    public async Task DisposeAsync()
    {
        foreach (var d in _drivers)
        {
            d.Dispose();
        }

        foreach (var a in _archives)
        {
            await a.DisposeAsync();
        }

        _logs.Dispose();
    }

    private async Task<IArchive> OpenAsync()
    {
        var archive = await OpenArchiveAsync();
        _archives.Add(archive);
        return archive;
    }

    private RolloutDriver Driver(IArchive archive, string instance, ChangeFeed? changes = null)
    {
        var driver = new RolloutDriver(archive, SendAsync, _time, Oslo, changes ?? new ChangeFeed(), _logs.Logger, instance);
        _drivers.Add(driver);
        return driver;
    }

    private Task<CommandOutcome> SendAsync(string gateway, string type, string by, Action<Utf8JsonWriter> args, CancellationToken ct)
    {
        Assert.Equal("update", type);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            args(w);
            w.WriteEndObject();
        }

        _sent.Add((gateway, JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone()));
        var id = Guid.NewGuid().ToString("D");
        return Task.FromResult(_replies.TryGetValue(gateway, out var reply)
            ? reply(id)
            : new CommandOutcome(id, "ok", $$$"""{"command":"{{{id}}}","status":"ok","result":{"state":"accepted"}}"""));
    }

    private static Func<string, CommandOutcome> Refuses(string code, string message) =>
        id => new CommandOutcome(id, "error", $$$"""{"command":"{{{id}}}","status":"error","error":{"code":"{{{code}}}","message":"{{{message}}}"}}""");

    private async Task SeedAsync(int homes, string zone = "north")
    {
        for (var i = 1; i <= homes; i++)
        {
            var gw = $"gw-{i:D2}";
            await _archive.RecordHeartbeatAsync(gw, new HeartbeatInfo(Guid.NewGuid(), T0, 0, true, null, """{"states":{"version":"0.1.0+old"}}"""), T0);
            await _archive.PutResidentAsync(new SealedResident(gw, i % 2 == 0 ? zone : "south", "sealed", T0, "coordinator"),
                new OperatorAction(T0, "coordinator", "resident-put", gw, null, null, "ok", null));
        }
    }

    private async Task<RolloutSpec> StartAsync(IReadOnlyList<int> waves, IReadOnlyList<string> canaries, int maxFailures = 0, RolloutWindow? window = null, TimeSpan? soak = null)
    {
        var spec = new RolloutSpec("r-1", "Tech Tore", T0, new RolloutRelease(Version, "edgegateway-0.2.0.tar.gz", 1234, new string('a', 64),
                """{"manifest":"bWFu","key_id":"0011223344556677","signature":"c2ln"}""", "https://centre.example/releases/edgegateway-0.2.0.tar.gz"),
            waves, window, maxFailures, soak ?? TimeSpan.FromMinutes(30), 300, RolloutSpec.DefaultReportTimeout(300), canaries);
        var plan = RolloutPlanner.Plan(await RolloutFleet.ReadAsync(_archive), Version, canaries, waves);
        Assert.True(await _archive.StartRolloutAsync(new RolloutRecord(spec, RolloutStates.Running, 1, null, null, T0), plan,
            new OperatorAction(T0, "Tech Tore", "rollout-start", null, null, null, "ok", null)));
        return spec;
    }

    // A gateway's report, stored first as the centre's ingest stores it, then handed to the driver.
    private async Task ReportAsync(RolloutDriver driver, string gateway, CareEventKind kind, Dictionary<string, string> data)
    {
        var evt = new CareEventFactory(gateway, _time, new FixedClockSyncStatus(true)).Create(kind, "release", "update report", data);
        await _archive.RecordEventAsync(evt, "{}", false, _time.GetUtcNow());
        await driver.OnEventAsync(evt);
    }

    private Task CompletedAsync(RolloutDriver driver, string gateway) => ReportAsync(driver, gateway, CareEventKind.UpdateCompleted,
        new() { ["version"] = Version, ["from"] = "0.1.0+old", ["gateSeconds"] = "280", ["downloadedBytes"] = "1234", ["rollout"] = "r-1" });

    private async Task<Dictionary<string, RolloutHome>> HomesAsync() =>
        (await _archive.RolloutHomesAsync("r-1")).ToDictionary(h => h.Gateway, StringComparer.Ordinal);

    [Fact]
    public async Task Wave_1_goes_to_the_canaries_only_with_the_contracts_args_and_completed_reports_advance_after_the_soak()
    {
        // 10 homes in two zones, waves of 2, 5 and 10 homes cumulatively: the canaries are wave 1.
        await SeedAsync(10);
        await StartAsync([20, 50, 100], ["gw-07", "gw-03"]);
        var driver = Driver(_archive, "a");

        await driver.TickAsync();
        Assert.Equal(["gw-03", "gw-07"], _sent.Select(s => s.Gateway));
        var args = _sent[0].Args;
        Assert.Equal(Version, args.GetProperty("version").GetString());
        Assert.Equal("https://centre.example/releases/edgegateway-0.2.0.tar.gz", args.GetProperty("url").GetString());
        Assert.Equal(1234, args.GetProperty("size").GetInt64());
        Assert.Equal(new string('a', 64), args.GetProperty("sha256").GetString());
        Assert.Equal("0011223344556677", args.GetProperty("signature").GetProperty("key_id").GetString());
        Assert.Equal("r-1", args.GetProperty("rollout").GetString());
        Assert.Equal(300, args.GetProperty("gate_seconds").GetInt32());
        Assert.Equal(RolloutHomeStates.Sent, (await HomesAsync())["gw-07"].State);

        // Accepted and waiting: nothing is sent again, and nothing to anyone else.
        _time.Advance(TimeSpan.FromMinutes(5));
        await driver.TickAsync();
        Assert.Equal(2, _sent.Count);

        await CompletedAsync(driver, "gw-07");
        await CompletedAsync(driver, "gw-03");
        await driver.TickAsync(); // the soak starts
        _time.Advance(TimeSpan.FromMinutes(29));
        await driver.TickAsync();
        Assert.Equal(2, _sent.Count);
        Assert.Equal(1, (await _archive.LatestRolloutAsync())!.Wave);

        _time.Advance(TimeSpan.FromMinutes(1));
        await driver.TickAsync();
        Assert.Equal(2, (await _archive.LatestRolloutAsync())!.Wave);
        Assert.Equal(5, _sent.Count);

        for (var wave = 2; wave <= 3; wave++)
        {
            foreach (var gw in _sent.Skip(wave == 2 ? 2 : 5).Select(s => s.Gateway).ToList())
            {
                await CompletedAsync(driver, gw);
            }

            await driver.TickAsync();
            _time.Advance(TimeSpan.FromMinutes(30));
            await driver.TickAsync();
        }

        Assert.Equal(10, _sent.Select(s => s.Gateway).Distinct().Count());
        Assert.Equal(10, _sent.Count);
        Assert.Equal(RolloutStates.Completed, (await _archive.LatestRolloutAsync())!.State);
        Assert.All((await HomesAsync()).Values, h => Assert.Equal(RolloutHomeStates.Passed, h.State));
    }

    [Fact]
    public async Task A_failure_report_halts_at_once_raises_the_centres_alarm_and_wave_2_is_never_sent()
    {
        await SeedAsync(10);
        await StartAsync([20, 100], ["gw-01", "gw-02"], soak: TimeSpan.Zero);
        var changes = new ChangeFeed();
        using var feed = changes.Subscribe();
        var driver = Driver(_archive, "a", changes);
        await driver.TickAsync();
        await CompletedAsync(driver, "gw-01");
        await ReportAsync(driver, "gw-02", CareEventKind.UpdateFailed,
            new() { ["version"] = Version, ["from"] = "0.1.0+old", ["stage"] = "gate", ["reason"] = "the test alarm was not acknowledged within 300 s", ["rollout"] = "r-1" });

        var halted = await _archive.LatestRolloutAsync();
        Assert.Equal(RolloutStates.Halted, halted!.State);
        Assert.Contains("gw-02", halted.HaltReason, StringComparison.Ordinal);
        Assert.Contains("update failed at gate: the test alarm was not acknowledged within 300 s", halted.HaltReason, StringComparison.Ordinal);

        var alarm = Assert.Single(await _archive.AlarmsAsync(openOnly: true));
        Assert.Equal(SupervisionTypes.RolloutHalted, alarm.Type);
        Assert.Equal("gw-02", alarm.Gateway);
        Assert.Contains("halted", alarm.Message, StringComparison.Ordinal);
        var published = new List<CentreChange>();
        while (feed.Reader.TryRead(out var c))
        {
            published.Add(c);
        }

        Assert.Contains(published, c => c.Kind == "alarm" && c.Alarm?.Type == SupervisionTypes.RolloutHalted);

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromHours(1));
            await driver.TickAsync();
        }

        Assert.Equal(["gw-01", "gw-02"], _sent.Select(s => s.Gateway));
        _logs.AssertNoUnexpectedErrors();
    }

    [Fact]
    public async Task A_refusal_fails_the_home_and_max_failures_1_tolerates_one_but_not_two()
    {
        await SeedAsync(6);
        await StartAsync([50, 100], ["gw-01", "gw-02", "gw-03"], maxFailures: 1, soak: TimeSpan.Zero);
        _replies["gw-02"] = Refuses("refused", "signed by key ffff, which is not trusted here");
        var driver = Driver(_archive, "a");
        await driver.TickAsync();

        var homes = await HomesAsync();
        Assert.Equal(RolloutHomeStates.Failed, homes["gw-02"].State);
        Assert.Equal("replied refused: signed by key ffff, which is not trusted here", homes["gw-02"].Reason);
        Assert.Equal(RolloutStates.Running, (await _archive.LatestRolloutAsync())!.State);
        Assert.Equal(3, _sent.Count);

        // One failed home is tolerated, but the wave never counts as passed with it: the failure still shows.
        await ReportAsync(driver, "gw-03", CareEventKind.UpdateFailed,
            new() { ["version"] = Version, ["from"] = "0.1.0+old", ["stage"] = "download", ["reason"] = "connection reset", ["rollout"] = "r-1" });
        Assert.Equal(RolloutStates.Halted, (await _archive.LatestRolloutAsync())!.State);
    }

    [Fact]
    public async Task Nothing_is_sent_outside_the_window_in_the_centres_zone()
    {
        await SeedAsync(4);

        // 09:00 UTC is 10:00 in Oslo: outside 11:00-14:00.
        await StartAsync([50, 100], ["gw-01"], window: RolloutWindow.Parse("11:00-14:00"));
        var driver = Driver(_archive, "a");
        await driver.TickAsync();
        _time.Advance(TimeSpan.FromMinutes(59));
        await driver.TickAsync();
        Assert.Empty(_sent);

        _time.Advance(TimeSpan.FromMinutes(1));
        await driver.TickAsync();
        Assert.Equal(2, _sent.Count);
    }

    [Fact]
    public async Task A_home_with_an_open_alarm_is_deferred_and_sent_once_the_alarm_is_cleared()
    {
        await SeedAsync(4);
        await StartAsync([50, 100], ["gw-01", "gw-02"]);
        var fall = new CareEventFactory("gw-02", _time, new FixedClockSyncStatus(true)).Create(CareEventKind.Fall, "wearable", "fall");
        await _archive.RecordEventAsync(fall, "{}", false, T0);
        var driver = Driver(_archive, "a");

        await driver.TickAsync();
        Assert.Equal(["gw-01"], _sent.Select(s => s.Gateway));
        Assert.Equal(RolloutHomeStates.Deferred, (await HomesAsync())["gw-02"].State);
        _time.Advance(TimeSpan.FromSeconds(5));
        await driver.TickAsync();
        Assert.Single(_sent);

        Assert.True(await _archive.ClearAsync(fall.Id, "Nurse Berit", "help given", _time.GetUtcNow()));
        await driver.TickAsync();
        Assert.Equal(["gw-01", "gw-02"], _sent.Select(s => s.Gateway));
        Assert.Equal(RolloutHomeStates.Sent, (await HomesAsync())["gw-02"].State);
    }

    [Fact]
    public async Task A_home_that_accepted_and_never_reports_fails_after_the_report_timeout_and_halts()
    {
        await SeedAsync(4);
        var spec = await StartAsync([50, 100], ["gw-01", "gw-02"]);
        var driver = Driver(_archive, "a");
        await driver.TickAsync();
        await CompletedAsync(driver, "gw-01");

        _time.Advance(spec.ReportTimeout - TimeSpan.FromSeconds(1));
        await driver.TickAsync();
        Assert.Equal(RolloutStates.Running, (await _archive.LatestRolloutAsync())!.State);

        _time.Advance(TimeSpan.FromSeconds(1));
        await driver.TickAsync();
        var home = (await HomesAsync())["gw-02"];
        Assert.Equal(RolloutHomeStates.Failed, home.State);
        Assert.Equal("no report within 35 min of accepting the update", home.Reason);
        Assert.Equal(RolloutStates.Halted, (await _archive.LatestRolloutAsync())!.State);
        Assert.Equal(2, _sent.Count);
    }

    [Fact]
    public async Task A_command_not_delivered_is_tried_three_times_then_the_home_fails()
    {
        await SeedAsync(2);
        await StartAsync([50, 100], ["gw-01"]);
        _replies["gw-01"] = id => new CommandOutcome(id, "no_reply", null);
        var driver = Driver(_archive, "a");
        await driver.TickAsync();
        await driver.TickAsync();
        Assert.Equal(RolloutHomeStates.Waiting, (await HomesAsync())["gw-01"].State);
        await driver.TickAsync();

        var home = (await HomesAsync())["gw-01"];
        Assert.Equal(RolloutHomeStates.Failed, home.State);
        Assert.Equal("the update command was not delivered 3 times (last: no_reply)", home.Reason);
        Assert.Equal(3, _sent.Count);
    }

    [Fact]
    public async Task Of_several_instances_one_driver_sends_and_another_takes_over_when_its_lease_runs_out()
    {
        await SeedAsync(6);
        await StartAsync([50, 100], ["gw-01"]);

        // gw-02 (wave 1) never answers: whichever driver holds the lease sends it again at its next tick.
        _replies["gw-02"] = id => new CommandOutcome(id, "no_reply", null);
        var a = Driver(_archive, "a");
        var b = Driver(await OpenAsync(), "b");
        var c = Driver(await OpenAsync(), "c");

        await a.TickAsync();
        Assert.Equal(["gw-01", "gw-02", "gw-03"], _sent.Select(s => s.Gateway));
        await Task.WhenAll(b.TickAsync(), c.TickAsync());
        Assert.Equal(3, _sent.Count);

        // a stopped ticking (its instance died): once its lease ran out, b drives, and a is the one refused now.
        _time.Advance(RolloutDriver.LeaseTtl + TimeSpan.FromSeconds(1));
        await b.TickAsync();
        Assert.Equal(4, _sent.Count);
        await Task.WhenAll(a.TickAsync(), c.TickAsync());
        Assert.Equal(4, _sent.Count);

        // All three at once after b's lease ran out too: exactly one of them sends the third try.
        _time.Advance(RolloutDriver.LeaseTtl + TimeSpan.FromSeconds(1));
        await Task.WhenAll(a.TickAsync(), b.TickAsync(), c.TickAsync());
        Assert.Equal(["gw-01", "gw-02", "gw-03", "gw-02", "gw-02"], _sent.Select(s => s.Gateway));
        Assert.Equal(RolloutHomeStates.Failed, (await HomesAsync())["gw-02"].State);
    }
}
