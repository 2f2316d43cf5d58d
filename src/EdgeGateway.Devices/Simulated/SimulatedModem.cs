using EdgeGateway.Devices.Modem;
using UnitsNet;

namespace EdgeGateway.Devices.Simulated;

/// <summary>The demo's 4G modem: answers what ModemManager would for a modem in the state the scenario sets.</summary>
public sealed class SimulatedModem : IModemReader
{
    /// <summary>A modem registered on its home network with a good LTE signal.</summary>
    public static ModemStatus Healthy { get; } = new()
    {
        State = "connected",
        Registration = "home",
        Operator = "Telia N",
        AccessTechnologies = ["lte"],
        SignalQuality = Ratio.FromPercent(67),
        LteRsrp = PowerRatio.FromDecibelMilliwatts(-95),
        LteRsrq = Level.FromDecibels(-11),
        LteSnr = Level.FromDecibels(13.4),
        SignalRefresh = TimeSpan.FromSeconds(30),
    };

    private volatile ModemStatus _status = Healthy;

    /// <summary>What the modem reports from now on.</summary>
    public ModemStatus Status
    {
        get => _status;
        set => _status = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Its antenna cable knocked loose: still registered, signal <paramref name="percent"/> %, no LTE values.</summary>
    public void LoseSignal(double percent = 5) =>
        Status = Healthy with { SignalQuality = Ratio.FromPercent(percent), AccessTechnologies = ["umts"], LteRsrp = null, LteRsrq = null, LteSnr = null };

    /// <inheritdoc />
    public Task<ModemReading> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(ModemReading.Of(_status));
}
