using EdgeGateway.Core.Alarms;

namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>Everything the console needs from the gateway; the host fills it in.</summary>
public sealed record ConsoleServices
{
    /// <summary>Gateway status.</summary>
    public required IGatewayStatus Status { get; init; }

    /// <summary>Sensors and live values.</summary>
    public required ISensorDirectory Sensors { get; init; }

    /// <summary>End-to-end test alarm.</summary>
    public required ITestAlarm TestAlarm { get; init; }

    /// <summary>Active alarms.</summary>
    public required IAlarmControl Alarms { get; init; }

    /// <summary>Recent log lines.</summary>
    public required ILogTail Log { get; init; }

    /// <summary>Configuration editing.</summary>
    public required IConfigEditor Config { get; init; }

    /// <summary>Audit log.</summary>
    public required IAuditLog Audit { get; init; }

    /// <summary>The commissioning record sent to the centre by <c>commission finish</c>.</summary>
    public required ICommissioningRecord Commissioning { get; init; }

    /// <summary>The mains-present input for <c>test mains</c>; null when the host offers none.</summary>
    public IMainsInput? Mains { get; init; }

    /// <summary>The wearable for <c>wearable status|pair|test</c>; null when the host offers none.</summary>
    public IWearable? Wearable { get; init; }
}
