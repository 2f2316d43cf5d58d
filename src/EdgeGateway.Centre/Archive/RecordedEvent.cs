namespace EdgeGateway.Centre.Archive;

/// <summary>What the archive made of one stored event.</summary>
/// <param name="IsNew">False when the event (source + id) was already recorded.</param>
/// <param name="Alarm">The alarm it opened or changed, if any.</param>
public sealed record RecordedEvent(bool IsNew, AlarmRecord? Alarm);
