using EdgeGateway.Centre.Rollouts;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Centre.Archive;

/// <summary>
/// The duty centre's archive: every event once (unique on source + id), each alarm's lifecycle, every gateway, operator
/// actions, notes and rejected messages. SQLite (<see cref="SqliteArchive"/>) and PostgreSQL (<see cref="PostgresArchive"/>)
/// keep the same schema and semantics; the constraints, not the callers, make several centre instances safe on one database.
/// </summary>
public interface IArchive : IAsyncDisposable
{
    /// <summary>Records <paramref name="evt"/> (before its ack is sent): opens the alarm it raises, closes the one it clears, notes a test.</summary>
    /// <param name="evt">The decoded event.</param>
    /// <param name="payload">The event as received.</param>
    /// <param name="periodicTest">The event is a periodic (daily) test transmission.</param>
    /// <param name="at">When the centre received it.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task<RecordedEvent> RecordEventAsync(CareEvent evt, string payload, bool periodicTest, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Keeps a message that could not be used, with the reason.</summary>
    Task RecordRejectedAsync(RejectedMessage message, CancellationToken cancellationToken = default);

    /// <summary>Records a status message; returns the gateway as it now is, or null when the status was stale (an older boot's will after a newer birth).</summary>
    Task<GatewayRecord?> RecordStatusAsync(string gateway, string state, Guid bootId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the status one path of a two-path gateway published (<c>…/status/{path}</c>); the gateway's own state is not
    /// touched (the caller decides, from every path, whether it is offline). Returns the gateway with its paths as they now
    /// are, or null when the status was stale (an older boot's will after a newer birth on that path).
    /// </summary>
    Task<GatewayRecord?> RecordPathStatusAsync(string gateway, string path, string state, Guid bootId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Records a heartbeat (the gateway is online again if it was not); a copy of the stored heartbeat (same content, another instance's) changes nothing.</summary>
    Task<GatewayRecord> RecordHeartbeatAsync(string gateway, HeartbeatInfo heartbeat, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a backlog of status and heartbeat messages in one transaction (one commit instead of one per message), each
    /// gateway's in the order given and with the same rules as <see cref="RecordStatusAsync"/> and <see cref="RecordHeartbeatAsync"/>;
    /// a replayed birth of the boot already followed is ignored. Returns one outcome per update, in the order given.
    /// </summary>
    Task<IReadOnlyList<GatewayUpdateOutcome>> RecordGatewayUpdatesAsync(IReadOnlyList<GatewayUpdate> updates, CancellationToken cancellationToken = default);

    /// <summary>Moves <paramref name="gateway"/> from online to silent; false when it was not online (any more).</summary>
    Task<bool> MarkSilentAsync(string gateway, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Every gateway ever seen.</summary>
    Task<IReadOnlyList<GatewayRecord>> GatewaysAsync(CancellationToken cancellationToken = default);

    /// <summary>One gateway, or null.</summary>
    Task<GatewayRecord?> GatewayAsync(string gateway, CancellationToken cancellationToken = default);

    /// <summary>Alarms, the open ones only when <paramref name="openOnly"/>; oldest first.</summary>
    Task<IReadOnlyList<AlarmRecord>> AlarmsAsync(bool openOnly, CancellationToken cancellationToken = default);

    /// <summary>One alarm, or null.</summary>
    Task<AlarmRecord?> AlarmAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Raises a supervision alarm unless one with its key exists; returns it when this call raised it, else null.</summary>
    Task<AlarmRecord?> RaiseSupervisionAlarmAsync(SupervisionAlarm alarm, CancellationToken cancellationToken = default);

    /// <summary>Clears the open supervision alarms of <paramref name="types"/> for <paramref name="gateway"/> (it is back); returns those cleared.</summary>
    Task<IReadOnlyList<AlarmRecord>> ResolveSupervisionAsync(string gateway, IReadOnlyCollection<string> types, string reason, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Marks an open alarm taken by <paramref name="operatorName"/>; false when it is not open or already taken.</summary>
    Task<bool> TakeAsync(Guid id, string operatorName, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Clears an open alarm; false when it was already cleared.</summary>
    Task<bool> ClearAsync(Guid id, string? by, string reason, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Raises an untaken alarm's escalation to <paramref name="level"/>; true only for the one call (of any instance) that did.</summary>
    Task<bool> EscalateAsync(Guid id, int level, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Records an operator action.</summary>
    Task RecordActionAsync(OperatorAction action, CancellationToken cancellationToken = default);

    /// <summary>Operator actions, newest first.</summary>
    Task<IReadOnlyList<OperatorAction>> ActionsAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Adds a note to an alarm.</summary>
    Task AddNoteAsync(AlarmNote note, CancellationToken cancellationToken = default);

    /// <summary>The notes on an alarm, oldest first.</summary>
    Task<IReadOnlyList<AlarmNote>> NotesAsync(Guid alarm, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="step"/> and its operator <paramref name="action"/> in one transaction, or neither: only on an
    /// alarm that exists and is not cleared (an SMS step also on a cleared one), and an arrival only after a "help on the way".
    /// </summary>
    Task<AlarmStepResult> AddStepAsync(AlarmStep step, OperatorAction action, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the SMS to next of kin that <paramref name="cause"/> (<c>untaken</c>, <c>cleared</c>) sends for
    /// <paramref name="alarm"/>: true for the first claim only, so one of several centre instances sends it, once.
    /// </summary>
    Task<bool> ClaimKinMessageAsync(Guid alarm, string cause, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The steps documented on an alarm, in the order they were stored.</summary>
    Task<IReadOnlyList<AlarmStep>> StepsAsync(Guid alarm, CancellationToken cancellationToken = default);

    /// <summary>The alarms of <paramref name="gateway"/> the centre received at or after <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<AlarmRecord>> GatewayAlarmsAsync(string gateway, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Stores a home's sealed resident record (new or replacing) and its operator <paramref name="action"/> in one transaction; false, storing neither, when the gateway is unknown.</summary>
    Task<bool> PutResidentAsync(SealedResident resident, OperatorAction action, CancellationToken cancellationToken = default);

    /// <summary>A home's sealed resident record, or null.</summary>
    Task<SealedResident?> ResidentAsync(string gateway, CancellationToken cancellationToken = default);

    /// <summary>Every sealed resident record, by gateway.</summary>
    Task<IReadOnlyList<SealedResident>> ResidentsAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a home's resident record (a GDPR erasure) with its operator <paramref name="action"/> in one transaction; false when there was none.</summary>
    Task<bool> EraseResidentAsync(string gateway, OperatorAction action, CancellationToken cancellationToken = default);

    /// <summary>Stores a duty phone's push subscription (replacing the row of the same endpoint) with its operator <paramref name="action"/> in one transaction.</summary>
    Task PutPushSubscriptionAsync(PushSubscriptionRecord subscription, OperatorAction action, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the push subscription of <paramref name="endpoint"/>, with its operator <paramref name="action"/> when one asked
    /// (null: the push service said it is gone); false, recording nothing, when there was none.
    /// </summary>
    Task<bool> RemovePushSubscriptionAsync(string endpoint, OperatorAction? action, CancellationToken cancellationToken = default);

    /// <summary>Every push subscription, by endpoint.</summary>
    Task<IReadOnlyList<PushSubscriptionRecord>> PushSubscriptionsAsync(CancellationToken cancellationToken = default);

    /// <summary>Rejected messages, newest first.</summary>
    Task<IReadOnlyList<RejectedMessage>> RejectedAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>The number of events recorded (each once).</summary>
    Task<long> EventCountAsync(CancellationToken cancellationToken = default);

    /// <summary>The events received in [<paramref name="from"/>, <paramref name="to"/>), of one gateway or all (for the gains report).</summary>
    Task<IReadOnlyList<EventSummary>> EventsAsync(DateTimeOffset from, DateTimeOffset to, string? gateway, CancellationToken cancellationToken = default);

    /// <summary>The gaps in <c>sequence</c> per boot, between the first and the last event seen of each boot.</summary>
    Task<IReadOnlyList<SequenceGap>> GapsAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a new rollout, its homes and its operator <paramref name="action"/> in one transaction; false, storing nothing, when one is running (or the id is taken).</summary>
    Task<bool> StartRolloutAsync(RolloutRecord rollout, IReadOnlyList<RolloutHome> homes, OperatorAction action, CancellationToken cancellationToken = default);

    /// <summary>The running rollout, else the newest one, else null.</summary>
    Task<RolloutRecord?> LatestRolloutAsync(CancellationToken cancellationToken = default);

    /// <summary>One rollout, or null.</summary>
    Task<RolloutRecord?> RolloutAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The homes of a rollout, by wave and gateway.</summary>
    Task<IReadOnlyList<RolloutHome>> RolloutHomesAsync(string rollout, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="home"/>'s state, tries, times and reason if its stored state is one of <paramref name="fromStates"/>; false when another write came first.</summary>
    Task<bool> UpdateRolloutHomeAsync(string rollout, RolloutHome home, IReadOnlyCollection<string> fromStates, CancellationToken cancellationToken = default);

    /// <summary>Writes a rollout's state, wave, soak start and halt reason if it is still in <paramref name="fromState"/> at <paramref name="fromWave"/>; false when another write came first.</summary>
    Task<bool> UpdateRolloutAsync(RolloutRecord rollout, string fromState, int fromWave, CancellationToken cancellationToken = default);

    /// <summary>Takes or renews the lease <paramref name="name"/> for <paramref name="holder"/> until <paramref name="now"/> + <paramref name="ttl"/>; false while another holder's lease runs.</summary>
    Task<bool> HoldLeaseAsync(string name, string holder, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Opens the zone's mass outage unless one is open (then that one); returns the open incident.</summary>
    Task<OutageRecord> OpenOutageAsync(string zone, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="homes"/> to the open incident <paramref name="outage"/> (each once); how many joined, null when it is no longer open.</summary>
    Task<int?> JoinOutageAsync(string outage, IReadOnlyList<OutageHome> homes, CancellationToken cancellationToken = default);

    /// <summary>The open mass outages and those closed since <paramref name="closedSince"/>, oldest first.</summary>
    Task<IReadOnlyList<OutageRecord>> OutagesAsync(DateTimeOffset closedSince, CancellationToken cancellationToken = default);

    /// <summary>The homes of <paramref name="outage"/>; with null, the homes of every open incident and those a closed one left out.</summary>
    Task<IReadOnlyList<OutageHome>> OutageHomesAsync(string? outage, CancellationToken cancellationToken = default);

    /// <summary><paramref name="gateway"/> is back: its place in any incident counts as returned; false when it was in none still out.</summary>
    Task<bool> OutageReturnAsync(string gateway, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Closes <paramref name="outage"/> with <paramref name="summary"/> if it is still open; null when another instance closed it first.</summary>
    Task<OutageRecord?> CloseOutageAsync(string outage, string summary, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Each home's zone from its resident record (homes without one are absent).</summary>
    Task<IReadOnlyDictionary<string, string>> ZonesAsync(CancellationToken cancellationToken = default);
}
