using System.Globalization;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Tests.Archive;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using MQTTnet;
using Npgsql;
using static EdgeGateway.Centre.Tests.CentralProcessTests;

namespace EdgeGateway.Centre.Tests;

/// <summary>
/// Its own collection, run with nothing beside it: the bound is two retransmission timeouts, and a test host starved by a
/// parallel class stops draining the centres' stdout, which holds them up for seconds (seen at load 40).
/// </summary>
[CollectionDefinition(nameof(GroupMemberDeathTests), DisableParallelization = true)]
public sealed class GroupMemberDeathRunsAlone;

/// <summary>Two real <c>edgegateway central</c> processes in one shared group; one dies and never comes back.</summary>
[Trait("Category", "Integration")]
[Collection(nameof(GroupMemberDeathTests))]
public sealed class GroupMemberDeathTests(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    /// <summary>
    /// A member of the group dies for good (SIGKILL, never restarted, as a host that died) while a gateway sends: the broker
    /// must stop handing it a share, so every event reaches the live member by the gateway's own retransmission. Before,
    /// the dead member's persistent session (1 h expiry) kept taking its share and the retransmissions that landed on it,
    /// so events waited for luck or for the session to expire.
    /// </summary>
    [Fact]
    public async Task Every_event_reaches_the_live_member_within_two_retransmission_timeouts_when_the_other_dies_for_good()
    {
        const int count = 400;
        var retransmit = TimeSpan.FromSeconds(5);
        await using var broker = await MosquittoBroker.StartAsync();
        var database = await pg.Server.CreateDatabaseAsync();
        await using var a = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--client-id", "central-a", "--store", database);
        await using var b = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--client-id", "central-b", "--store", database);
        await using var archive = await PostgresArchive.OpenAsync(database);
        using (var probe = new MqttClientFactory().CreateMqttClient())
        {
            // Both members are in the group once each has printed a probe event (the broker alternates between them).
            await probe.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("gw-probe").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
            var gateway = new CareEventFactory("gw-probe", TimeProvider.System, new FixedClockSyncStatus(true));
            await Until(
                async () =>
                {
                    var e = gateway.Create(CareEventKind.FlowTotals, "s", "probe");
                    await Publish(probe, Topics.Events("gw-probe", e.Class), CloudEventCodec.Serialize(e), retain: false);
                    await Task.Delay(200);
                    return PrintedIds(a).Count > 0 && PrintedIds(b).Count > 0;
                },
                "both members print an event",
                a,
                b);
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        var probes = await archive.EventCountAsync();

        // The real gateway pipeline (outbox, windowed delivery, its default retransmission after 5 s, doubling), 50 events/s for 8 s.
        var dataDir = Directory.CreateTempSubdirectory("strand-gw-").FullName;
        await using var loadgen = CliProcess.Start("loadgen", "--broker", broker.Url, "--data-dir", dataDir, "--gateway-id", "gw-strand", "--count", count.ToString(CultureInfo.InvariantCulture),
            "--rate", "50", "--ack-timeout", retransmit.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--plain-loopback-demo");

        // When each event was on the gateway's disk ("accepted N" follows each group commit): the clock starts there, not
        // at creation, so a slow fsync on this shared machine is not counted against the centre.
        var accepted = new List<(int Count, long At)>();
        var reading = Task.Run(async () =>
        {
            await foreach (var line in loadgen.Lines.ReadAllAsync())
            {
                if (line.StartsWith("accepted ", StringComparison.Ordinal) && int.TryParse(line.AsSpan("accepted ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    lock (accepted)
                    {
                        accepted.Add((n, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                    }
                }
            }
        });
        await Until(async () => await archive.EventCountAsync() >= probes + 50, "fifty events stored before the kill", a, b);
        var killed = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        b.Kill();

        // Long enough for every event to be stored (the last is accepted 8 s in) and for a few more retransmission rounds.
        var waitUntil = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var stored = new Dictionary<int, (long Accepted, long Received)>();
        while (DateTime.UtcNow < waitUntil && !loadgen.HasExited)
        {
            await Task.Delay(200);
        }

        var exited = loadgen.HasExited;
        loadgen.Kill();
        await reading;
        Directory.Delete(dataDir, recursive: true);

        await using (var conn = new NpgsqlConnection(database))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT payload, received_ms FROM events WHERE gateway = 'gw-strand'", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                using var payload = JsonDocument.Parse(r.GetString(0));
                var n = int.Parse(payload.RootElement.GetProperty("data").GetProperty("n").GetString()!, CultureInfo.InvariantCulture);
                stored[n] = (accepted.First(x => x.Count > n).At, r.GetInt64(1));
            }
        }

        // Stored within two retransmission timeouts of the later of its acceptance and the kill (latency, not loss).
        var budget = (long)(2 * retransmit.TotalMilliseconds);
        var late = stored.Values.Where(e => e.Received - Math.Max(e.Accepted, killed) > budget).OrderBy(e => e.Accepted).Select(e => $"{e.Accepted - killed:+0;-0} → {e.Received - killed:+0}").ToList();
        Assert.True(exited && loadgen.ExitCode == 0 && stored.Count == count && late.Count == 0,
            $"{stored.Count} of {count} stored; {late.Count} stored later than {budget} ms after the kill or their acceptance (accepted → stored, ms from the kill: {string.Join(", ", late.Take(8))} … {string.Join(", ", late.TakeLast(4))}); loadgen: {loadgen.StdErr}; a: {a.StdErr}");
        Assert.False(a.HasExited, a.StdErr);
    }
}
