using EdgeGateway.Platform;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Platform;

public sealed class ClockSyncTests
{
    [Fact]
    public void The_timesyncd_marker_decides_and_is_rechecked_after_the_cache_interval()
    {
        var dir = Directory.CreateTempSubdirectory("eg-timesync-").FullName;
        var marker = Path.Combine(dir, "synchronized");
        var time = new FakeTimeProvider();
        var status = new LinuxClockSyncStatus(time, marker, askKernel: false, recheck: TimeSpan.FromSeconds(1), rtcDirectory: null);
        Assert.False(status.IsSynchronised);

        File.WriteAllText(marker, "");
        Assert.False(status.IsSynchronised); // still cached
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(status.IsSynchronised);

        File.Delete(marker);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(status.IsSynchronised);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void The_kernel_clock_state_can_be_read_without_privileges_on_linux()
    {
        // The gateway and CI are Linux; elsewhere KernelState answers -1 and the marker alone decides.
        Assert.True(OperatingSystem.IsLinux(), "the gateway runs on Linux");
        var state = LinuxClockSyncStatus.KernelState();
        Assert.InRange(state, 0, 5);
        var status = new LinuxClockSyncStatus(new FakeTimeProvider(), Path.Combine(Path.GetTempPath(), $"eg-no-marker-{Guid.NewGuid():N}"), rtcDirectory: null);
        Assert.Equal(state != 5, status.IsSynchronised);
    }
}
