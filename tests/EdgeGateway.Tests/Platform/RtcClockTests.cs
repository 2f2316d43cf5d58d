using EdgeGateway.Core.Time;
using EdgeGateway.Platform;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Platform;

/// <summary>The battery-backed RTC as the kernel's rtc-ds1307 driver shows it in sysfs (a fake tree): trusted only when it set the clock at boot and still reads.</summary>
public sealed class RtcClockTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("eg-rtc-").FullName;
    private readonly string _noMarker = Path.Combine(Path.GetTempPath(), $"eg-no-marker-{Guid.NewGuid():N}");

    private string Rtc(string? hctosys, string? sinceEpoch)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "rtc0")).FullName;
        if (hctosys is not null)
        {
            File.WriteAllText(Path.Combine(dir, "hctosys"), hctosys + "\n");
        }

        if (sinceEpoch is not null)
        {
            File.WriteAllText(Path.Combine(dir, "since_epoch"), sinceEpoch + "\n");
        }

        return dir;
    }

    private LinuxClockSyncStatus Status(string? rtc) => new(new FakeTimeProvider(), _noMarker, askKernel: false, rtcDirectory: rtc);

    [Fact]
    public void An_RTC_that_set_the_clock_at_boot_and_reads_makes_the_time_trusted_from_rtc()
    {
        var status = Status(Rtc("1", "1796112000"));
        Assert.Equal(TimeSource.Rtc, status.Source);
        Assert.True(status.IsSynchronised);
    }

    [Fact]
    public void An_RTC_the_kernel_did_not_set_the_clock_from_is_not_trusted()
    {
        Assert.Equal(TimeSource.None, Status(Rtc("0", "1796112000")).Source);
    }

    [Fact]
    public void An_RTC_whose_oscillator_stopped_is_not_trusted()
    {
        // With OSF set the driver fails every read of the time (EINVAL); in the fake tree the read fails as a directory does.
        var dir = Rtc("1", null);
        Directory.CreateDirectory(Path.Combine(dir, "since_epoch"));
        var status = Status(dir);
        Assert.Equal(TimeSource.None, status.Source);
        Assert.False(status.IsSynchronised);
    }

    [Fact]
    public void No_RTC_at_all_is_none()
    {
        Assert.Equal(TimeSource.None, Status(Path.Combine(_root, "rtc9")).Source);
        Assert.Equal(TimeSource.None, Status(null).Source);
    }

    [Fact]
    public void NTP_wins_over_the_RTC()
    {
        var marker = Path.Combine(_root, "synchronized");
        File.WriteAllText(marker, "");
        var status = new LinuxClockSyncStatus(new FakeTimeProvider(), marker, askKernel: false, rtcDirectory: Rtc("1", "1796112000"));
        Assert.Equal(TimeSource.Ntp, status.Source);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
