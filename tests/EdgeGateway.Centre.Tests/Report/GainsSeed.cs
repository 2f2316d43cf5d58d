using System.Text;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Centre.Tests.Report;

/// <summary>
/// A week of one home (gw-r, week 2026-W13 in UTC) whose every gains figure was worked out by hand: four alarms (a fall taken
/// after 30 s, two help buttons — one taken after 120 s and cleared as false, one never taken — and a night exit taken after
/// 200 s, cleared as no help needed), a cancelled fall pre-alarm, and a 6 h offline episode.
/// </summary>
internal static class GainsSeed
{
    public const string Gateway = "gw-r";

    public static readonly DateTimeOffset Monday = new(2026, 3, 23, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Availability: 6 h of the week's 168 h in a detected outage.</summary>
    public static readonly double Availability = Math.Round(1 - (6.0 / 168), 5);

    public static async Task SeedAsync(IArchive archive)
    {
        var time = new FakeTimeProvider(Monday);
        var home = new CareEventFactory(Gateway, time, new FixedClockSyncStatus(true));
        await archive.RecordStatusAsync(Gateway, GatewayStates.Online, home.BootId, Monday);

        async Task AlarmAsync(CareEventKind kind, TimeSpan at, int? takenAfter, int? clearedAfter, string reason = "help given")
        {
            time.SetUtcNow(Monday + at);
            var e = home.Create(kind, "s", kind.ToString());
            await archive.RecordEventAsync(e, Encoding.UTF8.GetString(CloudEventCodec.Serialize(e)), false, Monday + at);
            if (takenAfter is { } t)
            {
                await archive.TakeAsync(e.Id, "Nurse Berit", Monday + at + TimeSpan.FromSeconds(t));
            }

            if (clearedAfter is { } c)
            {
                await archive.ClearAsync(e.Id, "Nurse Berit", reason, Monday + at + TimeSpan.FromSeconds(c));
            }
        }

        await AlarmAsync(CareEventKind.Fall, TimeSpan.FromHours(10), 30, 600);
        await AlarmAsync(CareEventKind.HelpButton, TimeSpan.FromHours(23), 120, 300, "false alarm");
        await AlarmAsync(CareEventKind.HelpButton, TimeSpan.FromHours(36), null, null);
        time.SetUtcNow(Monday + TimeSpan.FromHours(37));
        var cancelled = home.Create(CareEventKind.FallCancelled, "s", "cancelled");
        await archive.RecordEventAsync(cancelled, Encoding.UTF8.GetString(CloudEventCodec.Serialize(cancelled)), false, Monday + TimeSpan.FromHours(37));
        await AlarmAsync(CareEventKind.NightExit, TimeSpan.FromHours(50), 200, 400, "no help needed");
        var offline = await archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm($"offline:{Gateway}:1", Gateway, SupervisionTypes.Offline, 2, "offline", Monday + TimeSpan.FromHours(84)));
        await archive.ClearAsync(offline!.Id, "centre", "gateway back online", Monday + TimeSpan.FromHours(90));
    }
}
