namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>Implemented by the host: the mains-present input (a DC-UPS's AC-OK signal, a UPS HAT's power input) as the gateway reads it.</summary>
public interface IMainsInput
{
    /// <summary>What reads mains, e.g. "DC-UPS signals: AC-OK on GPIO26"; null when the home has no power source configured.</summary>
    string? Description { get; }

    /// <summary>Mains as last read: true present, false absent, null not read yet or unreadable.</summary>
    bool? MainsPresent { get; }

    /// <summary>Calls <paramref name="onReading"/> with every reading of the input (true: mains present) until disposed; may be called on any thread.</summary>
    IDisposable Subscribe(Action<bool> onReading);
}
