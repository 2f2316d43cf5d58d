using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Report;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Centre.Tests.Report;

/// <summary>The gains report's figures from a week of one home's archive, each worked out by hand.</summary>
public sealed class GainsReportTests : IDisposable
{
    private static readonly DateTimeOffset Monday = GainsSeed.Monday;
    private readonly string _dir = Directory.CreateTempSubdirectory("report-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_week_of_one_home_gives_take_and_clear_times_benchmark_shares_quiet_nights_hours_saved_and_availability()
    {
        await using var archive = await SqliteArchive.OpenAsync(Path.Combine(_dir, "centre.db"));
        await GainsSeed.SeedAsync(archive);

        var buffer = new ArrayBufferWriter<byte>();
        await using (var w = new Utf8JsonWriter(buffer))
        {
            await GainsReport.WriteAsync(archive, new GainsQuery(Monday, Monday.AddDays(7), null, TimeZoneInfo.Utc, new TimeOnly(22, 0), new TimeOnly(7, 0), 15), w);
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        var homeReport = Assert.Single(doc.RootElement.GetProperty("homes").EnumerateArray());
        Assert.Equal("gw-r", homeReport.GetProperty("gateway").GetString());
        var week = Assert.Single(homeReport.GetProperty("weeks").EnumerateArray());
        Assert.Equal("2026-W13", week.GetProperty("week").GetString());
        foreach (var f in new[] { homeReport.GetProperty("total"), week.GetProperty("figures") })
        {
            Assert.Equal(4, f.GetProperty("alarms").GetInt32());
            var kinds = f.GetProperty("alarms_by_kind");
            Assert.Equal((1, 2, 1), (kinds.GetProperty("alarm.fall").GetInt32(), kinds.GetProperty("alarm.help-button").GetInt32(), kinds.GetProperty("alarm.night-exit").GetInt32()));
            var take = f.GetProperty("time_to_take");
            Assert.Equal((3, 120.0, 200.0, 0.25, 0.5), (take.GetProperty("taken").GetInt32(), take.GetProperty("p50_s").GetDouble(), take.GetProperty("p90_s").GetDouble(), take.GetProperty("share_within_60s").GetDouble(), take.GetProperty("share_within_180s").GetDouble()));
            var clear = f.GetProperty("time_to_clear");
            Assert.Equal((3, 400.0, 600.0), (clear.GetProperty("cleared").GetInt32(), clear.GetProperty("p50_s").GetDouble(), clear.GetProperty("p90_s").GetDouble()));
            Assert.Equal((1, 1, 1, 1), (f.GetProperty("cleared_false_alarm").GetInt32(), f.GetProperty("cleared_no_help_needed").GetInt32(), f.GetProperty("fall_prealarms_cancelled").GetInt32(), f.GetProperty("night_exits").GetInt32()));

            // Nights Mon–Sat 22:00–07:00 lie in the week (Sunday's ends after it); Monday's and Tuesday's had an alarm.
            Assert.Equal((6, 4, 1.0), (f.GetProperty("nights").GetInt32(), f.GetProperty("nights_without_alarm").GetInt32(), f.GetProperty("hours_saved").GetDouble()));
            Assert.Equal(Math.Round(1 - (6.0 / 168), 5), f.GetProperty("availability").GetDouble());
            Assert.Equal(1, f.GetProperty("supervision_alarms").GetProperty(SupervisionTypes.Offline).GetInt32());
        }
    }

    [Fact]
    public async Task Missed_doses_are_counted_per_home_and_week()
    {
        await using var archive = await SqliteArchive.OpenAsync(Path.Combine(_dir, "centre.db"));
        var time = new FakeTimeProvider(Monday);
        var home = new CareEventFactory("gw-d", time, new FixedClockSyncStatus(true));
        await archive.RecordStatusAsync("gw-d", GatewayStates.Online, home.BootId, Monday);
        foreach (var day in new[] { 0, 3, 8 })
        {
            var at = Monday + TimeSpan.FromDays(day) + TimeSpan.FromHours(12);
            time.SetUtcNow(at);
            var e = home.Create(CareEventKind.DoseMissed, "pill-dispenser", "a dose was not taken");
            await archive.RecordEventAsync(e, Encoding.UTF8.GetString(CloudEventCodec.Serialize(e)), false, at);
        }

        var buffer = new ArrayBufferWriter<byte>();
        await using (var w = new Utf8JsonWriter(buffer))
        {
            await GainsReport.WriteAsync(archive, new GainsQuery(Monday, Monday.AddDays(14), null, TimeZoneInfo.Utc, new TimeOnly(22, 0), new TimeOnly(7, 0), 15), w);
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        var report = Assert.Single(doc.RootElement.GetProperty("homes").EnumerateArray());
        Assert.Equal(3, report.GetProperty("total").GetProperty("missed_doses").GetInt32());
        Assert.Equal([2, 1], report.GetProperty("weeks").EnumerateArray().Select(w => w.GetProperty("figures").GetProperty("missed_doses").GetInt32()));
    }
}
