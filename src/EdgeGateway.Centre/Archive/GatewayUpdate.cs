namespace EdgeGateway.Centre.Archive;

/// <summary>
/// One status or heartbeat to record (see <see cref="IArchive.RecordGatewayUpdatesAsync"/>): a status when <see cref="Heartbeat"/>
/// is null, else a heartbeat.
/// </summary>
/// <param name="Gateway">The gateway.</param>
/// <param name="At">When the centre received it (not when it was stored: a backlog must not move the deadline).</param>
/// <param name="State">A status's state (<c>online</c> or <c>offline</c>); ignored for a heartbeat.</param>
/// <param name="BootId">The boot it speaks for.</param>
/// <param name="Replayed">A retained status replayed by the broker: ignored when it is the birth of the boot already followed.</param>
/// <param name="Heartbeat">The heartbeat, or null for a status.</param>
public sealed record GatewayUpdate(string Gateway, DateTimeOffset At, string State, Guid BootId, bool Replayed, HeartbeatInfo? Heartbeat)
{
    /// <summary>A status message.</summary>
    public static GatewayUpdate Status(string gateway, string state, Guid bootId, bool replayed, DateTimeOffset at) => new(gateway, at, state, bootId, replayed, null);

    /// <summary>A heartbeat.</summary>
    public static GatewayUpdate Beat(string gateway, HeartbeatInfo heartbeat, DateTimeOffset at) =>
        new(gateway, at, GatewayStates.Online, (heartbeat ?? throw new ArgumentNullException(nameof(heartbeat))).BootId, false, heartbeat);
}
