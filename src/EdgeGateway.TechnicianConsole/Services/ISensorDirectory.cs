namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>Implemented by the host: the configured sensors and their live values.</summary>
public interface ISensorDirectory
{
    /// <summary>All configured sensors, in a stable order.</summary>
    IReadOnlyList<SensorInfo> List();

    /// <summary>Calls <paramref name="onValue"/> for every new value of <paramref name="sensorId"/> until disposed; may be called on any thread.</summary>
    IDisposable Subscribe(string sensorId, Action<SensorValue> onValue);
}
