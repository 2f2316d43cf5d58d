namespace EdgeGateway.Core.Events;

/// <summary>What follows from a <see cref="SensorKind"/> for the parts that handle every kind alike.</summary>
public static class SensorKindExtensions
{
    /// <summary>True for kinds whose purpose is to call for help: their presses are never withheld, not even while they flap.</summary>
    /// <remarks>A frightened resident pulls the cord again and again; a filter that silences a noisy door must not silence her.</remarks>
    public static bool CallsForHelp(this SensorKind kind) => kind == SensorKind.HelpButton;

    /// <summary>True for a safety device's alarm output whose readings must never be withheld (a fire, a missed dose, a stove switched off).</summary>
    /// <remarks>Like a pull cord: a relay that chatters while the kitchen burns is still a fire, so flapping is reported but the readings go on.</remarks>
    public static bool NeverWithheld(this SensorKind kind) =>
        kind is SensorKind.HelpButton or SensorKind.SmokeDetector or SensorKind.MedicationDispenser or SensorKind.StoveGuard;

    /// <summary>True for a device's fault output: active means the device itself is faulty (a technical event, not an alarm).</summary>
    public static bool IsDeviceFault(this SensorKind kind) =>
        kind is SensorKind.DispenserFault or SensorKind.SmokeDetectorFault or SensorKind.StoveGuardFault;
}
