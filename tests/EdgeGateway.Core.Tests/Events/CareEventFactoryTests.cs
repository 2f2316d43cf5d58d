using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Events;

public class CareEventFactoryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 22, 0, 0, TimeSpan.Zero));
    private readonly FixedClockSyncStatus _clock = new(false);

    [Fact]
    public void Create_stamps_ids_sequence_boot_and_time()
    {
        var factory = new CareEventFactory("home-1", _time, _clock);
        _time.Advance(TimeSpan.FromSeconds(5));
        var a = factory.Create(CareEventKind.HelpButton, "cord", "pulled");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var b = factory.Create(CareEventKind.MainsLost, null, "on battery");

        Assert.Equal(7, a.Id.Version);
        Assert.NotEqual(a.Id, b.Id);
        Assert.True(a.Id.CompareTo(b.Id) < 0, "UUIDv7 ids sort by creation time");
        Assert.Equal(1, a.Sequence);
        Assert.Equal(2, b.Sequence);
        Assert.Equal(factory.BootId, a.BootId);
        Assert.Equal("home-1", a.GatewayId);
        Assert.Equal(_time.GetUtcNow().AddMilliseconds(-1), a.Time.Wall);
        Assert.Equal(TimeSpan.FromSeconds(5), a.Time.SinceBoot);
        Assert.False(a.Time.ClockSynchronised);
        Assert.Equal(0, a.Priority);
        Assert.Equal(EventClass.Alarm, a.Class);
        Assert.Equal(EventClass.Technical, b.Class);
        Assert.Equal(ScaipCodes.Status.MainsFail, b.Spec.ScaipStatus);
    }

    [Fact]
    public void Clock_sync_flag_follows_the_status_at_creation()
    {
        var factory = new CareEventFactory("home-1", _time, _clock);
        var before = factory.Create(CareEventKind.TestAlarm, null, "t");
        _clock.IsSynchronised = true;
        var after = factory.Create(CareEventKind.TestAlarm, null, "t");
        Assert.False(before.Time.ClockSynchronised);
        Assert.True(after.Time.ClockSynchronised);
    }

    [Fact]
    public void Two_boots_of_one_gateway_have_different_boot_ids_and_restart_the_sequence()
    {
        var first = new CareEventFactory("home-1", _time, _clock);
        var second = new CareEventFactory("home-1", _time, _clock);
        Assert.NotEqual(first.BootId, second.BootId);
        Assert.Equal(1, second.Create(CareEventKind.TestAlarm, null, "t").Sequence);
    }

    [Fact]
    public void Ids_stay_unique_across_many_events_in_the_same_millisecond()
    {
        var factory = new CareEventFactory("home-1", _time, _clock);
        var ids = Enumerable.Range(0, 10_000).Select(_ => factory.Create(CareEventKind.FlowTotals, "tap", "x").Id).ToHashSet();
        Assert.Equal(10_000, ids.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Home")]
    [InlineData("home/1")]
    [InlineData("home+")]
    [InlineData("home#")]
    public void Invalid_gateway_ids_are_refused_with_the_id_named(string id)
    {
        var ex = Assert.Throws<ArgumentException>(() => new CareEventFactory(id, _time, _clock));
        Assert.Contains($"'{id}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    public void Priority_outside_0_to_9_is_refused(int priority)
    {
        var factory = new CareEventFactory("home-1", _time, _clock);
        var evt = factory.Create(CareEventKind.TestAlarm, null, "t");
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => evt with { Priority = priority });
        Assert.Contains("0 (highest) to 9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_covers_every_kind_with_unique_type_names_and_valid_priorities()
    {
        var specs = CareEventCatalog.All.ToList();
        Assert.Equal(Enum.GetValues<CareEventKind>().Length, specs.Count);
        Assert.Equal(specs.Count, specs.Select(s => s.TypeName).Distinct().Count());
        Assert.All(specs, s => Assert.InRange(s.Priority, 0, 9));
        Assert.All(specs, s => Assert.StartsWith(s.Class.ToString().ToLowerInvariant() + ".", s.TypeName, StringComparison.Ordinal));
        Assert.Equal(0, CareEventCatalog.Get(CareEventKind.HelpButton).Priority);
    }
}
