using EdgeGateway.Core.Rules;

namespace EdgeGateway.Core.Tests.Rules;

public class NightWindowTests
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    private static DateTimeOffset OsloTime(int y, int mo, int d, int h, int mi)
    {
        var local = new DateTime(y, mo, d, h, mi, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Oslo.GetUtcOffset(local));
    }

    [Theory]
    [InlineData(22, 59, false)]
    [InlineData(23, 0, true)]
    [InlineData(0, 0, true)]
    [InlineData(5, 59, true)]
    [InlineData(6, 0, false)]
    [InlineData(12, 0, false)]
    public void Window_crossing_midnight(int hour, int minute, bool inside)
    {
        var window = new NightWindow(new TimeOnly(23, 0), new TimeOnly(6, 0), Oslo);
        Assert.Equal(inside, window.Contains(OsloTime(2026, 1, 15, hour, minute)));
    }

    [Fact]
    public void Window_follows_local_time_across_daylight_saving_changes()
    {
        var window = new NightWindow(new TimeOnly(23, 0), new TimeOnly(6, 0), Oslo);

        // 05:30 local is inside the window both in winter (UTC+1) and in summer (UTC+2).
        Assert.True(window.Contains(new DateTimeOffset(2026, 3, 28, 4, 30, 0, TimeSpan.Zero)));
        Assert.True(window.Contains(new DateTimeOffset(2026, 3, 29, 3, 30, 0, TimeSpan.Zero)));

        // 04:30 UTC is 06:30 local in summer: outside.
        Assert.False(window.Contains(new DateTimeOffset(2026, 3, 29, 4, 30, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Zero_length_window_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new NightWindow(new TimeOnly(23, 0), new TimeOnly(23, 0), Oslo));
        Assert.Contains("zero length", ex.Message, StringComparison.Ordinal);
    }
}
