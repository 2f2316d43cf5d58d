namespace EdgeGateway.TestSupport.BlueZ;

/// <summary>Which GATT objects <see cref="BlueZMock.AddWearableAsync"/> gives the mocked wearable, and their UUIDs (the wearable's spec unless a test changes one).</summary>
public sealed record WearableGatt
{
    /// <summary>With the EdgeGateway service and its samples, control and events characteristics.</summary>
    public bool WithService { get; init; } = true;

    /// <summary>With the Battery Service and its Battery Level.</summary>
    public bool WithBattery { get; init; } = true;

    /// <summary>The service's UUID.</summary>
    public string ServiceUuid { get; init; } = "6e3a0001-4c2b-4f7e-9a51-7c1e0b5a0e47";

    /// <summary>The samples characteristic's UUID.</summary>
    public string SamplesUuid { get; init; } = "6e3a0002-4c2b-4f7e-9a51-7c1e0b5a0e47";

    /// <summary>The control characteristic's UUID.</summary>
    public string ControlUuid { get; init; } = "6e3a0003-4c2b-4f7e-9a51-7c1e0b5a0e47";

    /// <summary>The events characteristic's UUID.</summary>
    public string EventsUuid { get; init; } = "6e3a0004-4c2b-4f7e-9a51-7c1e0b5a0e47";

    /// <summary>The Battery Service's UUID.</summary>
    public string BatteryServiceUuid { get; init; } = "0000180f-0000-1000-8000-00805f9b34fb";

    /// <summary>The Battery Level's UUID.</summary>
    public string BatteryLevelUuid { get; init; } = "00002a19-0000-1000-8000-00805f9b34fb";
}
