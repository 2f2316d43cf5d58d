using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeGateway.Uplink.Tests;

/// <summary>The routine hold alone: when an outage or a power cut holds routine reports, for how long, and when it ends.</summary>
public sealed class RoutineHoldTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 3, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly StrictLogs _logs = new(output);

    public void Dispose() => _logs.Dispose();

    private RoutineHold Hold(TimeSpan spread, params double[] draws)
    {
        var next = 0;
        return new RoutineHold(
            new UplinkOptions { RoutineSpread = spread, OutageThreshold = TimeSpan.FromSeconds(60), SpreadDraw = () => draws[next++ % draws.Length] },
            _logs.Logger,
            _time);
    }

    [Fact]
    public void An_outage_of_the_threshold_holds_routine_reports_for_the_drawn_share_of_the_window_and_says_so_once()
    {
        var hold = Hold(TimeSpan.FromMinutes(10), 0.25);

        hold.AfterOutage(TimeSpan.FromSeconds(60));

        Assert.Equal(Start + TimeSpan.FromSeconds(150), hold.HeldUntil);
        var said = Assert.Single(_logs.Entries, e => e.EventId.Id == 3014);
        Assert.Equal("Routine reports held 150 s after an outage of 60 s; alarms go at once", said.Message);
    }

    [Fact]
    public void A_blip_shorter_than_the_threshold_holds_nothing()
    {
        var hold = Hold(TimeSpan.FromMinutes(10), 0.5);

        hold.AfterOutage(TimeSpan.FromSeconds(59));

        Assert.Null(hold.HeldUntil);
        Assert.DoesNotContain(_logs.Entries, e => e.EventId.Id == 3014);
    }

    [Fact]
    public void A_spread_of_zero_holds_nothing_after_an_outage_or_a_power_cut()
    {
        var hold = Hold(TimeSpan.Zero, 0.5);

        hold.AfterOutage(TimeSpan.FromHours(2));
        hold.AfterMainsRestored();

        Assert.Null(hold.HeldUntil);
    }

    [Fact]
    public void Mains_back_holds_routine_reports()
    {
        var hold = Hold(TimeSpan.FromMinutes(10), 0.5);

        hold.AfterMainsRestored();

        Assert.Equal(Start + TimeSpan.FromMinutes(5), hold.HeldUntil);
        Assert.Single(_logs.Entries, e => e.EventId.Id == 3015);
    }

    [Fact]
    public void A_hold_ends_by_itself_at_its_end()
    {
        var hold = Hold(TimeSpan.FromMinutes(10), 0.5);
        hold.AfterOutage(TimeSpan.FromMinutes(5));

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.NotNull(hold.HeldUntil);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Null(hold.HeldUntil);
    }

    [Fact]
    public void A_release_ends_the_hold_at_once()
    {
        var hold = Hold(TimeSpan.FromMinutes(10), 0.5);
        hold.AfterMainsRestored();

        hold.Release();

        Assert.Null(hold.HeldUntil);
    }

    [Fact]
    public void A_new_outage_during_a_hold_draws_a_new_hold()
    {
        var hold = Hold(TimeSpan.FromMinutes(10), 0.5, 0.1);
        hold.AfterOutage(TimeSpan.FromMinutes(2));
        _time.Advance(TimeSpan.FromMinutes(1));

        hold.AfterOutage(TimeSpan.FromMinutes(2));

        Assert.Equal(Start + TimeSpan.FromMinutes(1) + TimeSpan.FromMinutes(1), hold.HeldUntil);
        Assert.Equal(2, _logs.Entries.Count(e => e.EventId.Id == 3014));
    }

    [Fact]
    public void A_draw_outside_zero_to_one_never_holds_beyond_the_window()
    {
        var hold = Hold(TimeSpan.FromMinutes(10), 7);

        hold.AfterMainsRestored();

        Assert.Equal(Start + TimeSpan.FromMinutes(10), hold.HeldUntil);
    }
}
