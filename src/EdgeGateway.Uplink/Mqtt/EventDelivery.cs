using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>
/// Windowed delivery and retransmission: QoS 1 publishes pipelined within <see cref="UplinkOptions.Window"/>, each event
/// sent again under the same id with doubling delay until its ack releases it (<see cref="Acked"/>). After an outage
/// only alarms are read while the <see cref="RoutineHold"/> holds the routine backlog.
/// </summary>
internal sealed partial class EventDelivery
{
    private readonly string _gatewayId;
    private readonly IOutboxReader _outbox;
    private readonly UplinkOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<IMqttClient?> _activeClient;
    private readonly Action _publishFailed;
    private readonly RoutineHold _hold;
    private readonly ConcurrentDictionary<Guid, InFlight> _inFlight = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private IMqttClient? _deliveringOn;
    private IMqttClient? _publishFailureLogged;
    private DateTimeOffset _earliestDue = DateTimeOffset.MaxValue;

    // activeClient: the client that carries events right now, or null; publishFailed: a publish broke, so the
    // supervisors should look at their connections now rather than at the next ping; hold: when routine events may go.
    public EventDelivery(string gatewayId, IOutboxReader outbox, UplinkOptions options, ILogger logger, TimeProvider time, Func<IMqttClient?> activeClient, Action publishFailed, RoutineHold hold)
    {
        _hold = hold;
        _gatewayId = gatewayId;
        _outbox = outbox;
        _options = options;
        _logger = logger;
        _time = time;
        _activeClient = activeClient;
        _publishFailed = publishFailed;
        _outbox.Accepted += Wake;
        _outbox.EventAccepted += OnEventAccepted;
    }

    /// <summary>Raised after the broker confirmed (PUBACK) a transmission of an event.</summary>
    public event Action<OutboxEntry>? Published;

    /// <summary>Makes the delivery loop look again now (an accept, an ack, a path change).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>The centre has <paramref name="eventId"/> (and the outbox has forgotten it): no more retransmissions.</summary>
    public void Acked(Guid eventId) => _inFlight.TryRemove(eventId, out _);

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var client = _activeClient();
            if (!ReferenceEquals(client, _deliveringOn))
            {
                // A new connection or another path: everything sent on the old one may be lost with it; resend all unacked.
                _inFlight.Clear();
                _outbox.Rewind();
                _earliestDue = DateTimeOffset.MaxValue;
                _deliveringOn = client;
            }

            var wait = Timeout.InfiniteTimeSpan;
            if (client is not null)
            {
                wait = await DeliverRoundAsync(client, ct).ConfigureAwait(false);
            }

            if (wait != TimeSpan.Zero)
            {
                // Idle costs nothing: the loop sleeps until an accept, an ack, a path change or the next retransmission.
                using var timer = wait == Timeout.InfiniteTimeSpan
                    ? CancellationTokenSource.CreateLinkedTokenSource(ct)
                    : CancellationTokenSource.CreateLinkedTokenSource(ct, new CancellationTokenSource(wait, _time).Token);
                try
                {
                    await _wake.Reader.ReadAsync(timer.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                }
            }
        }
    }

    /// <summary>Sends what is due without waiting for PUBACKs; returns how long to wait before the next round (zero: go again now).</summary>
    private async Task<TimeSpan> DeliverRoundAsync(IMqttClient client, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (now >= _earliestDue)
        {
            var earliest = DateTimeOffset.MaxValue;
            foreach (var (id, f) in _inFlight)
            {
                if (f.Due <= now)
                {
                    var attempt = f.Attempt + 1;
                    var due = now + RetransmitDelay(attempt);
                    _inFlight[id] = f with { Due = due, Attempt = attempt };
                    LogRetransmit(_logger, id, attempt);
                    Send(client, f.Entry, ct);
                    earliest = due < earliest ? due : earliest;
                }
                else if (f.Due < earliest)
                {
                    earliest = f.Due;
                }
            }

            _earliestDue = earliest;
        }

        // Everything in flight is bounded, alarms too: beyond what the centre's broker queues per consumer (mosquitto:
        // max_queued_messages 1000) events are dropped there and only come back by retransmission, which is far slower.
        // Alarms get a reserve on top, so a window full of telemetry never holds one back.
        var window = _options.Window;
        var inFlight = _inFlight.Count;
        // While routine reports are held, none are read (their cursor stays put, so they come once the hold ends) and
        // those the outbox keeps in memory are left where they are; alarms are read as always.
        var heldUntil = _hold.HeldUntil;
        var fresh = await _outbox.ReadNewAsync(window + (window / 4) - inFlight, heldUntil is null ? window - inFlight : 0, _inFlight.ContainsKey, ct).ConfigureAwait(false);
        if (heldUntil is not null)
        {
            fresh = [.. fresh.Where(e => e.Class == EventClass.Alarm)];
        }

        var firstDue = now + RetransmitDelay(0);
        foreach (var e in fresh)
        {
            _inFlight[e.Id] = new InFlight(firstDue, 0, e);
            Send(client, e, ct);
        }

        if (fresh.Count > 0 && firstDue < _earliestDue)
        {
            _earliestDue = firstDue;
        }

        // The hold's end is a deadline like a retransmission's: the loop sleeps on a timer until then, never spins.
        var next = _inFlight.IsEmpty ? DateTimeOffset.MaxValue : _earliestDue;
        next = heldUntil is { } until && until < next ? until : next;
        if (next == DateTimeOffset.MaxValue)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var wait = next - _time.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1);
    }

    private void OnEventAccepted(CareEvent evt)
    {
        // Mains back is a regional power cut's end: the whole town's gateways report it in the same minute.
        if (evt.Kind == CareEventKind.MainsRestored)
        {
            _hold.AfterMainsRestored();
        }
    }

    private TimeSpan RetransmitDelay(int attempt) =>
        TimeSpan.FromTicks(Math.Min(_options.MaxRetransmitDelay.Ticks, _options.AckTimeout.Ticks << Math.Min(attempt, 16)));

    private void Send(IMqttClient client, OutboxEntry entry, CancellationToken ct) => _ = SendAsync(client, entry, ct);

    private async Task SendAsync(IMqttClient client, OutboxEntry entry, CancellationToken ct)
    {
        // Not awaited by the round: QoS 1 publishes are pipelined (MQTTnet matches PUBACKs by packet id), so one slow
        // PUBACK no longer holds back the next event; the window bounds how many are out at once.
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Events(_gatewayId, entry.Class))
            .WithPayload(new ReadOnlySequence<byte>(entry.Payload))
            .WithContentType("application/cloudevents+json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        try
        {
            var result = await client.PublishAsync(message, ct).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                LogPublishRefused(_logger, entry.Id, result.ReasonCode.ToString());
                return;
            }

            Published?.Invoke(entry);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The connection broke; the event stays in flight and goes again on the next connection (or after its ack timeout).
            if (!ReferenceEquals(Interlocked.Exchange(ref _publishFailureLogged, client), client))
            {
                LogPublishFailed(_logger, ex.Message);
            }

            _publishFailed();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private readonly record struct InFlight(DateTimeOffset Due, int Attempt, OutboxEntry Entry);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Publishing failed, unacked events go again after reconnect: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Broker refused event {EventId}: {ReasonCode}; will retry")]
    private static partial void LogPublishRefused(ILogger logger, Guid eventId, string reasonCode);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "Retransmitting event {EventId} (attempt {Attempt}): no ack yet")]
    private static partial void LogRetransmit(ILogger logger, Guid eventId, int attempt);
}
