using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Commands;
using EdgeGateway.Centre.Escalation;
using EdgeGateway.Centre.Ingest;
using EdgeGateway.Centre.NextOfKin;
using EdgeGateway.Centre.Operators;
using EdgeGateway.Centre.Push;
using EdgeGateway.Centre.Residents;
using EdgeGateway.Centre.Rollouts;
using EdgeGateway.Centre.Supervision;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre;

/// <summary>
/// The duty centre: stores every event before it is acked, follows every gateway's status and heartbeats, raises the
/// supervision alarms, escalates untaken alarms and carries the nurses' actions to the gateways. The facade the web API
/// (and the page on top of it) uses; everything it knows is in <see cref="Archive"/>, so several instances share one PostgreSQL.
/// </summary>
/// <remarks>
/// A facade over one class per job: <see cref="EventIngest"/> (events: store, dedup, then ack), <see cref="StatusFollower"/>
/// (status and heartbeats, batched), <see cref="GatewayPaths"/> (each path's birth and will), <see cref="GatewaySupervisor"/>
/// with its <see cref="CheckLoop"/> (offline, silent, gap and daily-test alarms), <see cref="Escalator"/> (and its
/// <see cref="EscalationWebhook"/>), <see cref="GatewayCommands"/> (command round trips) and <see cref="OperatorActions"/>
/// (take, clear, test, notes), with <see cref="AlarmSteps"/> (call-back, help on the way, arrived; DutyCentre.Steps.cs), and
/// <see cref="PushNotifier"/> (new alarms and escalations to the duty phones), <see cref="KinMessenger"/> (SMS to next of kin)
/// and <see cref="RolloutDriver"/> (a release or config change to the fleet in waves, halted at the first failure too many).
/// </remarks>
public sealed partial class DutyCentre : IAsyncDisposable
{
    private readonly IReadOnlyList<CentreConsumer> _consumers;
    private readonly DutyCentreOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly EscalationWebhook _webhook;
    private readonly GatewayCommands _commands;
    private readonly OperatorActions _operators;
    private readonly EventIngest _ingest;
    private readonly StatusFollower _follower;
    private readonly GatewayPaths _paths;
    private readonly CheckLoop _loop;
    private readonly GatewaySupervisor _supervisor;
    private readonly KinMessenger _kin;
    private Task? _running;
    private Task? _rolling;

    /// <summary>Creates the centre over <paramref name="archive"/>, reading from <paramref name="consumers"/> (primary path first).</summary>
    public DutyCentre(IArchive archive, IReadOnlyList<CentreConsumer> consumers, DutyCentreOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(consumers);
        ArgumentNullException.ThrowIfNull(logger);
        Archive = archive;
        _consumers = consumers;
        _options = (options ?? new DutyCentreOptions()).Validated();

        // The parts that announce deadlines reach the loop, and the loop reaches the supervisor, through this facade.
        var tests = new TestArrivals();
        var rejections = new Rejections(archive, _options.Time, logger);
        var alarms = new SupervisionAlarms(archive, Changes, logger);
        _loop = new CheckLoop(CheckAsync, _options, logger);
        _webhook = new EscalationWebhook(_options, logger);
        _commands = new GatewayCommands(consumers, _options, logger);
        _operators = new OperatorActions(archive, _commands, tests, _options, Changes, logger, _stop.Token);
        _ingest = new EventIngest(archive, _options, Changes, tests, _operators.TakeInBackground);
        _follower = new StatusFollower(archive, _options, Changes, alarms, rejections, _commands.OnReply, _loop.Due, logger);
        _paths = new GatewayPaths(archive, _options.Time, Changes, alarms, rejections, logger);
        Residents = new ResidentBook(archive, _options.ResidentKey, _options.Time, _options.Zone, Changes, logger);
        Push = new PushNotifier(archive, Residents, Changes, _options.Push, _options.Time, logger);
        _kin = new KinMessenger(archive, Residents, _options.Sms, _options.Time, _options.Zone, Changes, logger);
        _supervisor = new GatewaySupervisor(archive, consumers, _options, Changes, _follower, _paths, alarms, new MassOutages(archive, _options, Changes, _loop, logger),
            new Escalator(archive, _options, Changes, _webhook, _kin, _loop.Due, logger), _loop);

        // Of several instances on one archive only the lease holder sends; each writes the update reports it ingests.
        Rollouts = new RolloutDriver(archive, _commands.SendAsync, _options.Time, _options.Zone, Changes, logger,
            $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        _ingest.Reports = Rollouts.OnEventAsync;

        foreach (var c in consumers)
        {
            c.EventArrived += _ingest.OnEventAsync;
            var via = c;
            c.Clock = _options.Time;

            // A command reply and a path's birth or will are few and handled as they arrive (a path's word needs the
            // consumer it came through); status and heartbeats go through the follow queue and are stored in batches.
            c.GatewayMessageReceived += (topic, payload, retained) =>
            {
                if (Topics.PathOfStatus(topic) is { } path)
                {
                    return _paths.OnPathStatusAsync(via, topic, path, payload, retained);
                }

                _commands.OnReply(payload);
                return Task.CompletedTask;
            };
            c.GatewayMessageQueued += _follower.OnQueued;
            c.GatewayMessagesReceived += _follower.OnBatchAsync;
            c.Rejected += rejections.RejectAsync;
        }
    }

    /// <summary>The archive.</summary>
    public IArchive Archive { get; }

    /// <summary>The homes' resident records, sealed at rest, each read by a person audited.</summary>
    public ResidentBook Residents { get; }

    /// <summary>Web Push to the duty phones; off (its requests answer 503) without <see cref="DutyCentreOptions.Push"/>.</summary>
    public PushNotifier Push { get; }

    /// <summary>The release rollout's driver (issue 32): waves of <c>update</c> commands, halted at the first failure too many.</summary>
    public RolloutDriver Rollouts { get; }

    /// <summary>Where the signed release archives are served from, or null.</summary>
    public string? ReleasesDirectory => _options.ReleasesDirectory;

    /// <summary>Starts a release rollout from the page, or null when the centre was started without release keys and directory.</summary>
    public IRolloutStarter? RolloutStarter => _options.RolloutStarter;

    /// <summary>The zone of local times (daily test deadline, the report's weeks and nights).</summary>
    public TimeZoneInfo Zone => _options.Zone;

    /// <summary>The centre's clock: every time it records, and the "now" the page counts ages against.</summary>
    public TimeProvider Time => _options.Time;

    /// <summary>This instance's live changes.</summary>
    public ChangeFeed Changes { get; } = new();

    /// <summary>Status and heartbeat messages received and not yet stored (the follow queues' backlog, the batch being written included).</summary>
    public long FollowBacklog => _follower.Backlog;

    /// <summary>Raised once per event the archive had not recorded before (the CLI prints it).</summary>
    public event Func<CareEvent, Task>? EventRecorded
    {
        add => _ingest.EventRecorded += value;
        remove => _ingest.EventRecorded -= value;
    }

    /// <summary>Connects the consumers and starts supervision and escalation.</summary>
    /// <exception cref="MQTTnet.Exceptions.MqttCommunicationException">A broker could not be reached.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var c in _consumers)
        {
            await c.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        _supervisor.Connected();
        Push.Start();
        _kin.Start();
        _running = Task.Run(() => _loop.RunAsync(_stop.Token), CancellationToken.None);
        _rolling = Task.Run(() => Rollouts.RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>One pass of supervision and escalation as of now (the loop runs it at the next deadline, at least every <see cref="DutyCentreOptions.CheckInterval"/>; tests call it directly).</summary>
    public Task CheckAsync(CancellationToken cancellationToken = default) => _supervisor.CheckAsync(cancellationToken);

    /// <summary>
    /// Each path of <paramref name="gateway"/> as the centre sees it now: <c>up</c> only while its birth is the last word, the
    /// centre's consumer that brought it is connected, and the gateway has not since reported the path down in a heartbeat.
    /// </summary>
    public IReadOnlyList<PathView> PathsOf(GatewayRecord gateway) => _paths.PathsOf(gateway);

    /// <summary>Takes an alarm on for <paramref name="operatorName"/>; for a gateway alarm sends <c>alarm.acknowledge</c> ("help is coming").</summary>
    /// <exception cref="CentreActionException">No such alarm (404) or it is cleared or already taken (409).</exception>
    public Task<AlarmActionResult> TakeAsync(Guid alarmId, string operatorName, CancellationToken cancellationToken = default) =>
        _operators.TakeAsync(alarmId, operatorName, cancellationToken);

    /// <summary>Clears an alarm with <paramref name="reason"/>; for a gateway alarm sends <c>alarm.clear</c>, and next of kin are told when their home's rule names the reason.</summary>
    /// <exception cref="CentreActionException">No such alarm (404) or already cleared (409).</exception>
    public async Task<AlarmActionResult> ClearAsync(Guid alarmId, string operatorName, string reason, CancellationToken cancellationToken = default)
    {
        var result = await _operators.ClearAsync(alarmId, operatorName, reason, cancellationToken).ConfigureAwait(false);
        await _kin.ClearedAsync(result.Alarm, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Sends an <c>alarm.test</c> through the whole chain and waits for its event: the round trip.</summary>
    /// <exception cref="CentreActionException">No such gateway (404).</exception>
    public Task<TestRoundTrip> TestAsync(string gateway, string operatorName, CancellationToken cancellationToken = default) =>
        _operators.TestAsync(gateway, operatorName, cancellationToken);

    /// <summary>Adds a note to an alarm under the operator's name.</summary>
    /// <exception cref="CentreActionException">No such alarm (404).</exception>
    public Task<AlarmNote> AddNoteAsync(Guid alarmId, string operatorName, string text, CancellationToken cancellationToken = default) =>
        _operators.AddNoteAsync(alarmId, operatorName, text, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_running is not null)
        {
            await _running.ConfigureAwait(false);
        }

        if (_rolling is not null)
        {
            await _rolling.ConfigureAwait(false);
        }

        await _operators.IdleAsync().ConfigureAwait(false);
        await Push.DisposeAsync().ConfigureAwait(false);
        await _kin.DisposeAsync().ConfigureAwait(false);

        foreach (var c in _consumers)
        {
            await c.DisposeAsync().ConfigureAwait(false);
        }

        _webhook.Dispose();
        _stop.Dispose();
        _supervisor.Dispose();
        Rollouts.Dispose();
    }
}
