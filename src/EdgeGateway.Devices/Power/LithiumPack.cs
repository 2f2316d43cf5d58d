using UnitsNet;

namespace EdgeGateway.Devices.Power;

/// <summary>State of charge of a Li-ion pack estimated from its voltage, for boards that measure only volts and amps (INA219 HATs).</summary>
/// <remarks>
/// A rough open-circuit curve of an 18650 cell (3.0 V empty, 4.2 V full), read linearly between its points. Under load the
/// voltage sags, so the estimate reads low while discharging: on the safe side for the reserve.
/// </remarks>
public static class LithiumPack
{
    private static readonly (double Volts, double Percent)[] Curve =
    [
        (3.00, 0), (3.30, 5), (3.50, 10), (3.60, 20), (3.70, 35), (3.75, 45), (3.80, 55), (3.90, 70), (4.00, 82), (4.10, 92), (4.20, 100),
    ];

    /// <summary>Lowest and highest plausible cell voltage: outside them the pack is missing or faulty.</summary>
    public static readonly (double Low, double High) PlausibleCellVolts = (2.5, 4.35);

    /// <summary>The charge of a pack of <paramref name="cellsInSeries"/> cells at <paramref name="packVoltage"/>.</summary>
    public static Ratio Charge(ElectricPotential packVoltage, int cellsInSeries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cellsInSeries, 1);
        var cell = packVoltage.Volts / cellsInSeries;
        if (cell <= Curve[0].Volts)
        {
            return Ratio.FromPercent(0);
        }

        for (var i = 1; i < Curve.Length; i++)
        {
            if (cell <= Curve[i].Volts)
            {
                var (v0, p0) = Curve[i - 1];
                var (v1, p1) = Curve[i];
                return Ratio.FromPercent(p0 + ((cell - v0) / (v1 - v0) * (p1 - p0)));
            }
        }

        return Ratio.FromPercent(100);
    }

    /// <summary>True when <paramref name="packVoltage"/> is one a connected, healthy pack can have.</summary>
    public static bool IsPlausible(ElectricPotential packVoltage, int cellsInSeries) =>
        packVoltage.Volts / cellsInSeries is var cell && cell >= PlausibleCellVolts.Low && cell <= PlausibleCellVolts.High;
}
