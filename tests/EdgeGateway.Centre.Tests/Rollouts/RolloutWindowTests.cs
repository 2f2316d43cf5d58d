using EdgeGateway.Centre.Rollouts;

namespace EdgeGateway.Centre.Tests.Rollouts;

/// <summary>The rollout window: local hours in the centre's zone, across midnight and the daylight-saving change.</summary>
public sealed class RolloutWindowTests
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    [Theory]
    [InlineData("10:00-14:00", "2026-01-12T08:59:00Z", false)]
    [InlineData("10:00-14:00", "2026-01-12T09:00:00Z", true)]
    [InlineData("10:00-14:00", "2026-01-12T12:59:00Z", true)]
    [InlineData("10:00-14:00", "2026-01-12T13:00:00Z", false)]
    [InlineData("10:00-14:00", "2026-07-12T08:00:00Z", true)] // summer time: 10:00 in Oslo is 08:00 UTC
    [InlineData("22:00-02:00", "2026-01-12T21:30:00Z", true)]
    [InlineData("22:00-02:00", "2026-01-12T00:59:00Z", true)]
    [InlineData("22:00-02:00", "2026-01-12T01:00:00Z", false)]
    [InlineData("22:00-02:00", "2026-01-12T12:00:00Z", false)]
    public void A_time_is_inside_by_the_centres_local_clock(string window, string utc, bool inside) =>
        Assert.Equal(inside, RolloutWindow.Parse(window).Contains(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), Oslo));

    [Theory]
    [InlineData("10-14", "is not a window HH:MM-HH:MM")]
    [InlineData("10:00-25:00", "is not a window HH:MM-HH:MM")]
    [InlineData("10:00-10:00", "is an empty window")]
    public void A_bad_window_says_what_was_expected(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => RolloutWindow.Parse(text)).Message, StringComparison.Ordinal);
}
