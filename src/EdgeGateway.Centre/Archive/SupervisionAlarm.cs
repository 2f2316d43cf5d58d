namespace EdgeGateway.Centre.Archive;

/// <summary>A supervision alarm to raise once: <paramref name="Key"/> is unique in the archive, so several centre instances raise it once.</summary>
/// <param name="Key">The de-duplication key naming the episode from what all instances agree on, e.g. <c>offline:gw-1:{offline since}</c>.</param>
/// <param name="Gateway">The gateway.</param>
/// <param name="Type">One of <see cref="SupervisionTypes"/>.</param>
/// <param name="Priority">SCAIP-style priority.</param>
/// <param name="Message">The line for the nurse.</param>
/// <param name="At">When the centre raised it.</param>
public sealed record SupervisionAlarm(string Key, string Gateway, string Type, int Priority, string Message, DateTimeOffset At);
