namespace EdgeGateway.Devices.Wearable;

/// <summary>How the gateway supervises the wearable, as a social alarm supervises its pendant.</summary>
public sealed record WearableInputOptions
{
    /// <summary>The sensor id its samples, button and events carry.</summary>
    public string SensorId { get; init; } = "wearable";

    /// <summary>No samples for this long is <c>technical.wearable-lost</c> (issue 31: 30 s).</summary>
    public TimeSpan LostAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>At or below this charge the cell is low (a technical event; the technician plans a change).</summary>
    public int BatteryLowPercent { get; init; } = 20;

    /// <summary>At or below this charge the cell is nearly empty: a fault raised to the centre for a nurse.</summary>
    public int BatteryCriticalPercent { get; init; } = 10;

    /// <summary>How far above <see cref="BatteryLowPercent"/> the charge must read before the cell counts as changed.</summary>
    /// <remarks>A coin cell's reading sags with load and cold and recovers at rest: without a margin a cell at 20 % would report low and restored all day.</remarks>
    public int BatteryRestoreMargin { get; init; } = 10;

    /// <summary>The problems with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(SensorId))
        {
            errors.Add("wearable sensor_id must not be empty");
        }

        if (LostAfter < TimeSpan.FromSeconds(5) || LostAfter > TimeSpan.FromMinutes(10))
        {
            errors.Add($"wearable lost_after_seconds must be from 5 to 600; got {LostAfter.TotalSeconds:0.###}");
        }

        if (BatteryCriticalPercent is < 1 or > 99 || BatteryLowPercent is < 1 or > 99 || BatteryCriticalPercent >= BatteryLowPercent)
        {
            errors.Add($"wearable battery thresholds must satisfy 1 ≤ critical < low ≤ 99; got critical {BatteryCriticalPercent}, low {BatteryLowPercent}");
        }

        if (BatteryRestoreMargin is < 0 or > 50 || BatteryLowPercent + BatteryRestoreMargin > 100)
        {
            errors.Add($"wearable battery restore margin must be 0–50 and low + margin ≤ 100; got {BatteryRestoreMargin}");
        }

        return errors;
    }
}
