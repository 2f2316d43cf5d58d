using System.Text.RegularExpressions;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Core.Events;

/// <summary>Stamps new events with ids, boot id, sequence and time; one per gateway process.</summary>
public sealed partial class CareEventFactory
{
    private readonly TimeProvider _time;
    private readonly IClockSyncStatus _clock;
    private readonly long _bootTimestamp;
    private long _sequence;

    /// <summary>Creates a factory for one boot of <paramref name="gatewayId"/>.</summary>
    public CareEventFactory(string gatewayId, TimeProvider time, IClockSyncStatus clock, Guid? bootId = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(clock);
        ValidateGatewayId(gatewayId);
        GatewayId = gatewayId;
        _time = time;
        _clock = clock;
        _bootTimestamp = time.GetTimestamp();
        BootId = bootId ?? Guid.CreateVersion7(time.GetUtcNow());
    }

    /// <summary>The gateway id stamped on every event.</summary>
    public string GatewayId { get; }

    /// <summary>Identifies this boot.</summary>
    public Guid BootId { get; }

    /// <summary>The time since this boot started.</summary>
    public TimeSpan Uptime => _time.GetElapsedTime(_bootTimestamp);

    /// <summary>The current time as events carry it.</summary>
    public EventTime Now() => new(_time.GetUtcNow(), _clock.IsSynchronised, Uptime) { Source = _clock.Source };

    /// <summary>Creates and stamps a new event of <paramref name="kind"/>.</summary>
    public CareEvent Create(
        CareEventKind kind,
        string? sensorId,
        string message,
        IReadOnlyDictionary<string, string>? data = null,
        Guid? relatesTo = null,
        EventTime? at = null,
        int? priority = null)
    {
        var time = at ?? Now();
        var spec = CareEventCatalog.Get(kind);
        return new CareEvent
        {
            Id = Guid.CreateVersion7(time.Wall),
            Kind = kind,
            GatewayId = GatewayId,
            SensorId = sensorId,
            BootId = BootId,
            Sequence = Interlocked.Increment(ref _sequence),
            Time = time,
            Priority = priority ?? spec.Priority,
            Message = message,
            RelatesTo = relatesTo,
            Data = data ?? new Dictionary<string, string>(),
        };
    }

    /// <summary>Checks that an id is safe as an MQTT topic level and a file name: 1–64 of a–z, 0–9, '-' and '_'.</summary>
    /// <exception cref="ArgumentException">The id is empty, too long or has other characters.</exception>
    public static void ValidateGatewayId(string gatewayId)
    {
        if (GatewayIdProblem(gatewayId) is { } problem)
        {
            throw new ArgumentException(problem, nameof(gatewayId));
        }
    }

    /// <summary>What is wrong with <paramref name="gatewayId"/> as a gateway id, or null when it is valid.</summary>
    public static string? GatewayIdProblem(string? gatewayId) =>
        string.IsNullOrEmpty(gatewayId) || !IdPattern().IsMatch(gatewayId)
            ? $"gateway id '{gatewayId}' is invalid: expected 1–64 characters of a–z, 0–9, '-' or '_'."
            : null;

    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();
}
