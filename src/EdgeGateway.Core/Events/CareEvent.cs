using EdgeGateway.Core.Time;

namespace EdgeGateway.Core.Events;

/// <summary>A care event: something the centre must hear about, stamped so it can be ordered, de-duplicated and traced to a boot.</summary>
public sealed record CareEvent
{
    private readonly int _priority;

    /// <summary>Unique across reboots and gateways (UUIDv7, so ids also sort by creation time).</summary>
    public required Guid Id { get; init; }

    /// <summary>What happened.</summary>
    public required CareEventKind Kind { get; init; }

    /// <summary>The gateway that raised it.</summary>
    public required string GatewayId { get; init; }

    /// <summary>The sensor it concerns, or null for gateway-wide events.</summary>
    public string? SensorId { get; init; }

    /// <summary>Identifies the process lifetime that raised it; <see cref="Sequence"/> counts within it.</summary>
    public required Guid BootId { get; init; }

    /// <summary>Per-boot sequence number, starting at 1, without gaps.</summary>
    public required long Sequence { get; init; }

    /// <summary>When it happened.</summary>
    public required EventTime Time { get; init; }

    /// <summary>SCAIP priority, 0 (highest) to 9.</summary>
    public required int Priority
    {
        get => _priority;
        init => _priority = value is >= 0 and <= 9
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Priority), value, "SCAIP priority must be 0 (highest) to 9.");
    }

    /// <summary>A short human-readable line for the duty nurse.</summary>
    public string Message { get; init; } = "";

    /// <summary>The alarm this event refers to (a clear or a cancel), if any.</summary>
    public Guid? RelatesTo { get; init; }

    /// <summary>Extra facts (fall features, valve state, flow); string values keep the wire format stable.</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = EmptyData;

    /// <summary>The fixed properties of <see cref="Kind"/>.</summary>
    public CareEventSpec Spec => CareEventCatalog.Get(Kind);

    /// <summary>Alarm, technical, info or telemetry.</summary>
    public EventClass Class => Spec.Class;

    private static readonly IReadOnlyDictionary<string, string> EmptyData = new Dictionary<string, string>();
}
