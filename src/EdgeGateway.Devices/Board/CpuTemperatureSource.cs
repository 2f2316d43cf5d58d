using UnitsNet;

namespace EdgeGateway.Devices.Board;

/// <summary>
/// The SoC temperature through Iot.Device.CpuTemperature. The binding (4.2.0) reads the fixed path
/// <c>/sys/class/thermal/thermal_zone0/temp</c> with no way to point it elsewhere, so the board check takes a
/// <c>Func&lt;Temperature?&gt;</c>: this on a Pi, a settable value in the demo and the tests.
/// </summary>
public sealed class CpuTemperatureSource : IDisposable
{
    private readonly Iot.Device.CpuTemperature.CpuTemperature _binding = new();

    /// <summary>The temperature now; null where the binding has none (no thermal zone, NaN).</summary>
    public Temperature? Read()
    {
        if (!_binding.IsAvailable)
        {
            return null;
        }

        var t = _binding.Temperature;
        return double.IsFinite(t.DegreesCelsius) ? t : null;
    }

    /// <inheritdoc />
    public void Dispose() => _binding.Dispose();
}
