using EdgeGateway.Devices.Wearable;
using EdgeGateway.TechnicianConsole.Services;

namespace EdgeGateway.Adapters;

/// <summary>
/// The console's <see cref="IWearable"/> over the home's <see cref="WearableInput"/> (its supervision, samples and
/// button) and <see cref="BlueZPairing"/> (scan, pair, trust). Pairing works with no wearable configured: that is how
/// the first one is commissioned.
/// </summary>
/// <param name="input">The current home's wearable, read at each call so a rebuilt home is followed; null when none is configured.</param>
/// <param name="buttonSensorId">The sensor id of the current wearable's button (config's <c>devices.wearable</c>).</param>
/// <param name="simulatedHome">True when the home is simulated (no radio) and no wearable is built to say otherwise.</param>
/// <param name="pairing">BlueZ pairing on the system bus.</param>
internal sealed class ConsoleWearable(Func<WearableInput?> input, Func<string?> buttonSensorId, Func<bool> simulatedHome, BlueZPairing pairing) : IWearable
{
    /// <inheritdoc />
    public bool Simulated => input() is { } wearable ? wearable.Link is not BlueZWearableLink : simulatedHome();

    /// <inheritdoc />
    public WearableSnapshot? Snapshot()
    {
        if (input() is not { } wearable)
        {
            return null;
        }

        var link = wearable.Link;
        var status = link.Status;
        return new WearableSnapshot(
            wearable.SensorId,
            buttonSensorId() ?? $"{wearable.SensorId}-button",
            (link as BlueZWearableLink)?.Address,
            WearableInput.Describe(status.State),
            status.Reason,
            status.Since,
            link.BatteryPercent,
            wearable.Battery switch
            {
                WearableBattery.Ok => "ok",
                WearableBattery.Low => "low",
                WearableBattery.Critical => "critical",
                _ => "unknown",
            },
            wearable.Options.BatteryLowPercent,
            wearable.Options.BatteryCriticalPercent,
            wearable.SamplesSeen,
            wearable.SinceLastSample,
            link.Stream.LostSamples,
            link.DroppedSamples,
            link.Stream.ResendRequests,
            wearable.IsLost,
            wearable.Options.LostAfter);
    }

    /// <inheritdoc />
    public async Task<WearableScanResult> ScanAsync(TimeSpan scanTime, CancellationToken cancellationToken)
    {
        var scan = await pairing.ScanAsync(scanTime, cancellationToken).ConfigureAwait(false);
        return new WearableScanResult(scan.Ok, scan.Message, [.. scan.Found.Select(f => new WearableCandidate(f.Address, f.Name, f.Rssi, f.Paired))]);
    }

    /// <inheritdoc />
    public async Task<WearablePairResult> PairAsync(string address, CancellationToken cancellationToken)
    {
        var paired = await pairing.PairAsync(address, cancellationToken).ConfigureAwait(false);
        return new WearablePairResult(paired.Ok, paired.Message);
    }

    /// <inheritdoc />
    public IDisposable SubscribeHelp(Action onPress)
    {
        ArgumentNullException.ThrowIfNull(onPress);
        if (input() is not { } wearable)
        {
            return new Unsubscriber(() => { });
        }

        void OnNotice(WearableNotice notice)
        {
            if (notice.Kind == WearableNoticeKind.Help)
            {
                onPress();
            }
        }

        wearable.NoticeSeen += OnNotice;
        return new Unsubscriber(() => wearable.NoticeSeen -= OnNotice);
    }

    /// <inheritdoc />
    public IDisposable SubscribeSamples(Action<double> onSample)
    {
        ArgumentNullException.ThrowIfNull(onSample);
        if (input() is not { } wearable)
        {
            return new Unsubscriber(() => { });
        }

        void OnSample(Core.Falls.AccelerationSample s) => onSample(Math.Sqrt((s.XG * s.XG) + (s.YG * s.YG) + (s.ZG * s.ZG)));

        wearable.SampleSeen += OnSample;
        return new Unsubscriber(() => wearable.SampleSeen -= OnSample);
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
