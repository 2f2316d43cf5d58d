namespace EdgeGateway.TestSupport.BlueZ;

/// <summary>The mocked wearable's object paths, and what a test does with it: notify, disconnect, read back the calls made.</summary>
public sealed class MockWearable
{
    private readonly BlueZMock _mock;

    internal MockWearable(BlueZMock mock, string device, string? samples, string? control, string? events, string? battery)
    {
        _mock = mock;
        DevicePath = device;
        SamplesPath = samples;
        ControlPath = control;
        EventsPath = events;
        BatteryPath = battery;
    }

    /// <summary>The Device1 object.</summary>
    public string DevicePath { get; }

    /// <summary>The samples characteristic, if added.</summary>
    public string? SamplesPath { get; }

    /// <summary>The control characteristic, if added.</summary>
    public string? ControlPath { get; }

    /// <summary>The events characteristic, if added.</summary>
    public string? EventsPath { get; }

    /// <summary>The Battery Level characteristic, if added.</summary>
    public string? BatteryPath { get; }

    /// <summary>Notifies samples packets (or any bytes) in order.</summary>
    public Task NotifySamplesAsync(params byte[][] values) => _mock.NotifyAsync(SamplesPath ?? throw new InvalidOperationException("no samples characteristic"), values);

    /// <summary>Notifies events in order.</summary>
    public Task NotifyEventsAsync(params byte[][] values) => _mock.NotifyAsync(EventsPath ?? throw new InvalidOperationException("no events characteristic"), values);

    /// <summary>Notifies a battery level.</summary>
    public Task NotifyBatteryAsync(byte percent) => _mock.NotifyAsync(BatteryPath ?? throw new InvalidOperationException("no battery characteristic"), [[percent]]);

    /// <summary>The link drops: Connected and ServicesResolved become false, as BlueZ reports it.</summary>
    public Task DisconnectAsync() => _mock.SetDeviceAsync(DevicePath, new Dictionary<string, bool> { ["ServicesResolved"] = false, ["Connected"] = false });

    /// <summary>Out of range (false): Device1.Connect fails as BlueZ's does when the LE connection cannot be made; in range again (true).</summary>
    public Task SetInRangeAsync(bool inRange) => _mock.SetConnectableAsync(DevicePath, inRange);

    /// <summary>How often Device1.Connect was called.</summary>
    public async Task<int> ConnectCallsAsync() => (await _mock.CallsAsync(DevicePath, "Connect")).Count;

    /// <summary>How often StartNotify was called on the characteristic at <paramref name="path"/>.</summary>
    public async Task<int> StartNotifyCallsAsync(string path) => (await _mock.CallsAsync(path, "StartNotify")).Count;

    /// <summary>The values written to the control characteristic, in order.</summary>
    public async Task<IReadOnlyList<byte[]>> ControlWritesAsync() =>
        [.. (await _mock.CallsAsync(ControlPath ?? throw new InvalidOperationException("no control characteristic"), "WriteValue")).Select(args => Convert.FromHexString(args[0]))];
}
