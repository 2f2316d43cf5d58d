using EdgeGateway.Core.Events;
using EdgeGateway.TechnicianConsole.Services;

namespace EdgeGateway.TechnicianConsole.Commands;

/// <summary>How a sensor reads on the screen, the same in <c>status</c> and <c>sensors</c>.</summary>
internal static class SensorText
{
    /// <summary>"id (kind) last value", or "no value yet".</summary>
    public static string Line(SensorInfo s) =>
        $"{s.SensorId} ({Kind(s.Kind)}) {s.Last?.Text ?? "no value yet"}";

    private static string Kind(SensorKind kind) => kind switch
    {
        SensorKind.DoorContact => "door",
        SensorKind.BedMat => "bed mat",
        SensorKind.ChairMat => "chair mat",
        SensorKind.HelpButton => "help button",
        SensorKind.FlowMeter => "water flow",
        SensorKind.Accelerometer => "accelerometer",
        SensorKind.SmokeDetector => "smoke detector",
        SensorKind.SmokeDetectorFault => "smoke detector fault",
        SensorKind.MedicationDispenser => "medication dispenser",
        SensorKind.DispenserFault => "dispenser fault",
        SensorKind.StoveGuard => "stove guard",
        SensorKind.StoveGuardFault => "stove guard fault",
        SensorKind.Motion => "motion",
        _ => kind.ToString(),
    };
}
