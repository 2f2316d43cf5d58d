using System.Threading.Channels;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Residents;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.NextOfKin;

/// <summary>
/// SMS to a home's next of kin at the moments its coordinator chose (<see cref="KinSmsRule"/>): a care alarm no nurse has
/// taken within N minutes, or a clear with a chosen reason. Each moment is claimed in the archive first, so one of several
/// centre instances sends it, once; the sending runs on its own worker (a modem may take many seconds), never in the
/// escalation pass or a nurse's request, and every SMS, sent or not, is a step in the alarm's timeline.
/// </summary>
internal sealed partial class KinMessenger : IAsyncDisposable
{
    /// <summary>The operator name the centre's own steps and audit rows carry.</summary>
    public const string Centre = "centre";

    /// <summary>The moment "no nurse has taken it in N minutes".</summary>
    public const string Untaken = "untaken";

    /// <summary>The moment "cleared with a reason the family is told of".</summary>
    public const string Cleared = "cleared";

    // Tests and test transmissions reach no family; a gateway's own power shutdown is the technician's matter.
    private static readonly HashSet<string> NotCare = ["org.edgegateway.alarm.test", "org.edgegateway.alarm.daily-test", "org.edgegateway.alarm.power-shutdown"];

    private readonly IArchive _archive;
    private readonly ResidentBook _residents;
    private readonly KinSmsOptions? _options;
    private readonly TimeProvider _time;
    private readonly TimeZoneInfo _zone;
    private readonly ChangeFeed _changes;
    private readonly ILogger _logger;
    private readonly Channel<Job> _jobs = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<Guid> _settled = [];
    private Task _running = Task.CompletedTask;

    public KinMessenger(IArchive archive, ResidentBook residents, KinSmsOptions? options, TimeProvider time, TimeZoneInfo zone, ChangeFeed changes, ILogger logger)
    {
        (_archive, _residents, _time, _zone, _changes, _logger) = (archive, residents, time, zone, changes, logger);
        _options = options?.Validated();
    }

    /// <summary>Starts the sending worker.</summary>
    public void Start() => _running = Task.Run(() => SendAllAsync(_stop.Token));

    /// <summary>
    /// For an open alarm nobody has taken: claims and queues the "untaken" SMS once its home's minutes have passed, or
    /// returns when they will (the check loop wakes then); null when the home has no such rule or it is done.
    /// </summary>
    public async Task<DateTimeOffset?> UntakenAsync(AlarmRecord alarm, DateTimeOffset now, CancellationToken ct)
    {
        if (NotCare.Contains(alarm.Type) || alarm.Origin != AlarmOrigins.Gateway || IsSettled(alarm.Id)
            || await _residents.RecordForCentreAsync(alarm.Gateway, ct).ConfigureAwait(false) is not { Sms.UntakenMinutes: { } minutes } record)
        {
            return null;
        }

        var due = alarm.ReceivedAt + TimeSpan.FromMinutes(minutes);
        if (due > now)
        {
            return due;
        }

        // Settled only once the claim has an answer: a claim the archive failed is tried again on the next pass.
        var mine = await _archive.ClaimKinMessageAsync(alarm.Id, Untaken, now, ct).ConfigureAwait(false);
        lock (_settled)
        {
            _settled.Add(alarm.Id);
        }

        if (mine)
        {
            Queue(alarm, Untaken, KinTexts.Untaken(record.Name, alarm, minutes, _zone, _options?.Signoff), record);
        }

        return null;
    }

    /// <summary>Forgets every alarm but <paramref name="open"/>: the "untaken" decisions of alarms since taken or cleared.</summary>
    public void KeepOnly(IReadOnlyCollection<Guid> open)
    {
        lock (_settled)
        {
            _settled.IntersectWith(open);
        }
    }

    /// <summary>After a nurse cleared <paramref name="alarm"/>: claims and queues the "cleared" SMS when its home's rule names the reason.</summary>
    public async Task ClearedAsync(AlarmRecord alarm, CancellationToken ct)
    {
        try
        {
            if (NotCare.Contains(alarm.Type) || alarm.Origin != AlarmOrigins.Gateway || alarm.ClearReason is not { } reason
                || await _residents.RecordForCentreAsync(alarm.Gateway, ct).ConfigureAwait(false) is not { Sms: { } rule } record
                || !rule.OnClear.Contains(reason))
            {
                return;
            }

            if (await _archive.ClaimKinMessageAsync(alarm.Id, Cleared, _time.GetUtcNow(), ct).ConfigureAwait(false))
            {
                Queue(alarm, Cleared, KinTexts.Cleared(record.Name, alarm, _zone, _options?.Signoff), record);
            }
        }
        catch (System.Data.Common.DbException ex)
        {
            // The clear itself is stored and answered; the family's SMS is what is lost, and the log says so.
            LogNotQueued(_logger, alarm.Id, ex.Message);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _jobs.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        _stop.Dispose();
    }

    private bool IsSettled(Guid alarm)
    {
        lock (_settled)
        {
            return _settled.Contains(alarm);
        }
    }

    private void Queue(AlarmRecord alarm, string cause, string text, ResidentRecord record)
    {
        var to = record.NextOfKin.Select((k, i) => (Index: i + 1, Contact: k)).Where(k => k.Contact.Sms).ToList();
        _jobs.Writer.TryWrite(new Job(alarm, cause, text, to));
    }

    private async Task SendAllAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var job in _jobs.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                foreach (var (index, contact) in job.To)
                {
                    await SendOneAsync(job, index, contact, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: an SMS not yet sent stays claimed and unsent (the log of the next start shows no step for it).
        }
    }

    private async Task SendOneAsync(Job job, int index, ResidentContact contact, CancellationToken ct)
    {
        // The timeline names the next of kin by place and relation, not by name or number: every nurse of the zone reads
        // it, while the record itself is for the nurse who took the alarm.
        var whom = $"to next of kin {index} ({contact.Relation})";
        var (sent, detail) = (false, "this centre has no SMS modem (start it with --sms-modem)");
        if (_options is { } options)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    (sent, detail) = await options.Send(contact.Phone, job.Text, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    (sent, detail) = (false, ex.Message);
                }

                if (sent || attempt >= options.Attempts)
                {
                    break;
                }

                await Task.Delay(options.RetryAfter, _time, ct).ConfigureAwait(false);
            }
        }

        var at = _time.GetUtcNow();
        var text = sent ? $"{whom}: {job.Text}" : $"{whom} not sent: {detail}";
        var step = new AlarmStep(job.Alarm.Id, at, Centre, AlarmStepKinds.Sms, sent ? AlarmStepKinds.Sent : AlarmStepKinds.Failed, Trim(text));
        var action = new OperatorAction(at, Centre, "kin-sms", job.Alarm.Gateway, job.Alarm.Id, null, sent ? "ok" : "failed", $"{job.Cause}: next of kin {index}");
        if (sent)
        {
            LogSent(_logger, job.Alarm.Id, job.Cause, index);
        }
        else
        {
            LogFailed(_logger, job.Alarm.Id, job.Cause, index, detail);
        }

        try
        {
            await _archive.AddStepAsync(step, action, ct).ConfigureAwait(false);
            if (await _archive.AlarmAsync(job.Alarm.Id, ct).ConfigureAwait(false) is { } now)
            {
                _changes.Publish(new CentreChange("alarm", now, null));
            }
        }
        catch (System.Data.Common.DbException ex)
        {
            LogNotRecorded(_logger, job.Alarm.Id, ex.Message);
        }
    }

    // A step keeps at most what the API's steps keep; the SMS itself went out whole.
    private static string Trim(string text) => text.Length <= 1000 ? text : text[..999] + "…";

    private sealed record Job(AlarmRecord Alarm, string Cause, string Text, IReadOnlyList<(int Index, ResidentContact Contact)> To);

    [LoggerMessage(EventId = 3294, Level = LogLevel.Information, Message = "SMS to next of kin {Index} for alarm {Alarm} ({Cause}) sent")]
    private static partial void LogSent(ILogger logger, Guid alarm, string cause, int index);

    [LoggerMessage(EventId = 3295, Level = LogLevel.Warning, Message = "SMS to next of kin {Index} for alarm {Alarm} ({Cause}) not sent: {Reason}")]
    private static partial void LogFailed(ILogger logger, Guid alarm, string cause, int index, string reason);

    [LoggerMessage(EventId = 3296, Level = LogLevel.Error, Message = "SMS step of alarm {Alarm} not recorded in the archive: {Reason}")]
    private static partial void LogNotRecorded(ILogger logger, Guid alarm, string reason);

    [LoggerMessage(EventId = 3297, Level = LogLevel.Error, Message = "SMS to next of kin for cleared alarm {Alarm} not queued: {Reason}")]
    private static partial void LogNotQueued(ILogger logger, Guid alarm, string reason);
}
