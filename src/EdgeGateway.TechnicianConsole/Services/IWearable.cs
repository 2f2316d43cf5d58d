namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>Implemented by the host: the wearable (a Puck.js on a belt clip over BLE) as the gateway supervises it, and its pairing through BlueZ.</summary>
public interface IWearable
{
    /// <summary>True when the home plays a simulated wearable: there is no radio and nothing to pair.</summary>
    bool Simulated { get; }

    /// <summary>The configured wearable as the gateway sees it now; null when the home has none configured.</summary>
    WearableSnapshot? Snapshot();

    /// <summary>Scans for wearables for <paramref name="scanTime"/> (bounded; discovery is stopped however it ends).</summary>
    Task<WearableScanResult> ScanAsync(TimeSpan scanTime, CancellationToken cancellationToken);

    /// <summary>Pairs with the wearable at <paramref name="address"/> and trusts it.</summary>
    Task<WearablePairResult> PairAsync(string address, CancellationToken cancellationToken);

    /// <summary>Calls <paramref name="onPress"/> on every help press of the configured wearable until disposed; may be called on any thread.</summary>
    IDisposable SubscribeHelp(Action onPress);

    /// <summary>Calls <paramref name="onSample"/> with every sample's acceleration magnitude |a| in g until disposed; may be called on any thread.</summary>
    IDisposable SubscribeSamples(Action<double> onSample);
}
