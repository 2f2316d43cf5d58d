using EdgeGateway.Core.Events;

namespace EdgeGateway.Contract;

/// <summary>The MQTT topic scheme (see docs/asyncapi.yaml): everything of one gateway lives under <c>edgegateway/v1/{gatewayId}/</c>.</summary>
/// <remarks>One prefix per gateway lets the broker's ACL keep gateways apart with a single pattern rule.</remarks>
public static class Topics
{
    /// <summary>The root of the scheme, versioned so a future contract can live beside this one.</summary>
    public const string Root = "edgegateway/v1";

    /// <summary>Where a gateway publishes events of <paramref name="eventClass"/>.</summary>
    public static string Events(string gatewayId, EventClass eventClass) =>
        $"{Root}/{gatewayId}/events/{ClassName(eventClass)}";

    /// <summary>Filter for all events of all gateways (the centre's subscription).</summary>
    public const string AllEvents = Root + "/+/events/#";

    /// <summary>Filter for the alarm-class events of all gateways (the centre's urgent lane).</summary>
    public const string AllAlarms = Root + "/+/events/alarm";

    /// <summary>Where the centre publishes acknowledgements for <paramref name="gatewayId"/>.</summary>
    public static string Acks(string gatewayId) => $"{Root}/{gatewayId}/acks";

    /// <summary>The retained online/offline status of <paramref name="gatewayId"/>.</summary>
    public static string Status(string gatewayId) => $"{Root}/{gatewayId}/status";

    /// <summary>The retained status of one path (<c>primary</c>, <c>secondary</c>) of a gateway with two paths: each path's own birth and will.</summary>
    public static string PathStatus(string gatewayId, string path) => $"{Status(gatewayId)}/{path}";

    /// <summary>Filter for the status of all single-path gateways (the centre follows it).</summary>
    public const string AllStatus = Root + "/+/status";

    /// <summary>Filter for the per-path status of all two-path gateways (the centre follows it beside <see cref="AllStatus"/>).</summary>
    public const string AllPathStatus = Root + "/+/status/+";

    /// <summary>The path named by a per-path status topic (<c>…/{gatewayId}/status/{path}</c>), or null for any other topic.</summary>
    public static string? PathOfStatus(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var parts = topic.Split('/');
        return parts.Length == 5 && $"{parts[0]}/{parts[1]}" == Root && parts[3] == "status" && parts[4].Length > 0 ? parts[4] : null;
    }

    /// <summary>Heartbeats of <paramref name="gatewayId"/>.</summary>
    public static string Heartbeat(string gatewayId) => $"{Root}/{gatewayId}/heartbeat";

    /// <summary>Where the centre publishes commands for <paramref name="gatewayId"/> (see Commands/CommandProcessor).</summary>
    public static string Commands(string gatewayId) => $"{Root}/{gatewayId}/commands";

    /// <summary>Where <paramref name="gatewayId"/> publishes exactly one reply per payload received on <see cref="Commands"/>.</summary>
    public static string Replies(string gatewayId) => $"{Root}/{gatewayId}/replies";

    /// <summary>Filter for the replies of all gateways (the centre's subscription).</summary>
    public const string AllReplies = Root + "/+/replies";

    /// <summary>Filter for everything of one gateway (diagnostics, contract tests).</summary>
    public static string All(string gatewayId) => $"{Root}/{gatewayId}/#";

    /// <summary>The gateway id in an events topic, or null when the topic is not one of ours.</summary>
    public static string? GatewayIdOf(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var parts = topic.Split('/');
        return parts.Length >= 4 && $"{parts[0]}/{parts[1]}" == Root ? parts[2] : null;
    }

    /// <summary>The lower-case wire name of an event class.</summary>
    public static string ClassName(EventClass eventClass) => eventClass switch
    {
        EventClass.Alarm => "alarm",
        EventClass.Technical => "technical",
        EventClass.Info => "info",
        EventClass.Telemetry => "telemetry",
        _ => throw new ArgumentOutOfRangeException(nameof(eventClass), eventClass, null),
    };
}
