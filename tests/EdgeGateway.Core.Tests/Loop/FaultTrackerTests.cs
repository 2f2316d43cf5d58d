using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;

namespace EdgeGateway.Core.Tests.Loop;

/// <summary>Which events light the LED's fault and which release it: every kind that counts, once each.</summary>
public sealed class FaultTrackerTests
{
    [Theory]
    [InlineData(CareEventKind.SensorSilent, "pir-1", CareEventKind.SensorRestored, "pir-1")]
    [InlineData(CareEventKind.SensorFault, "pir-1", CareEventKind.SensorRestored, "pir-1")]
    [InlineData(CareEventKind.SensorFlapping, "door", CareEventKind.SensorRestored, "door")]
    [InlineData(CareEventKind.SensorFault, null, CareEventKind.SensorRestored, null)]
    [InlineData(CareEventKind.DispenserFault, "dispenser", CareEventKind.DeviceFaultCleared, "dispenser")]
    [InlineData(CareEventKind.SmokeDetectorFault, "smoke", CareEventKind.DeviceFaultCleared, "smoke")]
    [InlineData(CareEventKind.StoveGuardFault, "stove", CareEventKind.DeviceFaultCleared, "stove")]
    [InlineData(CareEventKind.MainsLost, "power", CareEventKind.MainsRestored, "power")]
    [InlineData(CareEventKind.BatteryFault, "ups", CareEventKind.BatteryRestored, "other-ups")]
    public void A_fault_shows_until_its_release(CareEventKind fault, string? source, CareEventKind release, string? releasedBy)
    {
        var faults = new FaultTracker();
        faults.Note(fault, source);
        Assert.True(faults.Any);
        faults.Note(release, releasedBy);
        Assert.False(faults.Any);
    }

    [Fact]
    public void A_storage_fault_is_the_gateways_own_and_no_sensor_restore_releases_it()
    {
        var faults = new FaultTracker();
        faults.Note(CareEventKind.StorageFault, "sd-card");
        faults.Note(CareEventKind.SensorRestored, "sd-card");
        Assert.True(faults.Any);
    }

    [Fact]
    public void Each_sensor_releases_only_its_own_fault()
    {
        var faults = new FaultTracker();
        faults.Note(CareEventKind.SensorSilent, "pir-1");
        faults.Note(CareEventKind.SensorSilent, "pir-2");
        faults.Note(CareEventKind.SensorRestored, "pir-1");
        Assert.True(faults.Any);
        faults.Note(CareEventKind.SensorRestored, "pir-2");
        Assert.False(faults.Any);
    }

    [Fact]
    public void Other_events_say_nothing_about_faults()
    {
        var faults = new FaultTracker();
        foreach (var kind in Enum.GetValues<CareEventKind>().Where(k => k is not (CareEventKind.SensorSilent or CareEventKind.SensorFault
            or CareEventKind.SensorFlapping or CareEventKind.StorageFault or CareEventKind.DispenserFault or CareEventKind.SmokeDetectorFault
            or CareEventKind.StoveGuardFault or CareEventKind.MainsLost or CareEventKind.BatteryFault)))
        {
            faults.Note(kind, "pir-1");
        }

        Assert.False(faults.Any);
    }
}
