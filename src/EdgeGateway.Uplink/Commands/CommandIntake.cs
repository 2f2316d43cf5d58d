using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Uplink.Commands;

/// <summary>Limits of <see cref="CommandIntake"/>.</summary>
public sealed record CommandIntakeOptions
{
    /// <summary>Commands per second one sender (<c>by</c>) may send, sustained; alarm commands are not counted.</summary>
    public double PerSenderPerSecond { get; init; } = 10;

    /// <summary>Commands one sender may send at once after a quiet spell (a nurse's page asking status for several things).</summary>
    public int PerSenderBurst { get; init; } = 50;

    /// <summary>Senders tracked at once; the ones beyond share one allowance (names are free to invent).</summary>
    public int MaxSenders { get; init; } = 64;

    /// <summary>Other commands waiting to be carried out; more are dropped.</summary>
    public int QueueLength { get; init; } = 64;

    /// <summary>Alarm commands waiting to be carried out; more are dropped.</summary>
    public int AlarmQueueLength { get; init; } = 1024;

    /// <summary>Replies being published at once; beyond that a reply is lost (logged) rather than hold the next command.</summary>
    public int RepliesInFlight { get; init; } = 64;

    /// <summary>A sender over its allowance gets one <c>refused</c> reply per this period; the rest of its flood gets none.</summary>
    public TimeSpan RefusalReplyEvery { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The front of the command path: takes payloads from the MQTT layer without blocking it, limits each sender, and carries
/// them out one at a time on one worker, <c>alarm.acknowledge</c> and <c>alarm.clear</c> ahead of everything else.
/// </summary>
/// <remarks>
/// A flood (a rogue client on the broker, a centre stuck in a loop) must never keep a nurse's "help is coming" from the
/// resident: alarm commands have their own queue, are never rate-limited and are taken first. Other commands are limited
/// per <c>by</c> (a token bucket; <c>by</c> is what the sender says, so the bounded queue behind it is the real limit for
/// one that invents names); over the limit a command is dropped unparsed beyond a peek at <c>type</c> and <c>by</c>, and
/// the sender gets one <c>refused</c> reply per <see cref="CommandIntakeOptions.RefusalReplyEvery"/> so it learns why.
/// Replies are published without holding the worker: a hung link costs replies (logged), not the next command.
/// </remarks>
public sealed partial class CommandIntake : IAsyncDisposable
{
    private const string Unnamed = "(no readable by)";
    private const string Others = "(senders beyond the tracked ones)";

    private readonly CommandHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CommandIntakeOptions _options;
    private readonly ConcurrentQueue<Item> _alarms = new();
    private readonly ConcurrentQueue<Item> _others = new();
    private readonly SemaphoreSlim _ready = new(0);
    private readonly SemaphoreSlim _replySlots;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Bucket> _senders = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private int _alarmCount;
    private int _otherCount;
    private long _dropped;
    private long _queueFullLoggedAt = long.MinValue;

    /// <summary>Starts the worker that carries out what <see cref="Offer"/> takes in, through <paramref name="handler"/>.</summary>
    public CommandIntake(CommandHandler handler, TimeProvider time, ILogger logger, CommandIntakeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _handler = handler;
        _time = time;
        _logger = logger;
        _options = options ?? new CommandIntakeOptions();
        _replySlots = new SemaphoreSlim(_options.RepliesInFlight);
        _worker = Task.Run(RunAsync);
    }

    /// <summary>Commands dropped so far (over a sender's allowance or a full queue), without being carried out.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Takes one payload from the commands topic; never blocks. False when it was dropped.</summary>
    public bool Offer(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var (type, by) = Peek(payload);
        if (type is CommandTypes.AlarmAcknowledge or CommandTypes.AlarmClear)
        {
            return Enqueue(_alarms, ref _alarmCount, _options.AlarmQueueLength, new Item(payload, null), "alarm");
        }

        var sender = by ?? Unnamed;
        var (allowed, tellSender) = Take(sender);
        if (allowed)
        {
            return Enqueue(_others, ref _otherCount, _options.QueueLength, new Item(payload, null), "other");
        }

        Interlocked.Increment(ref _dropped);
        if (tellSender)
        {
            LogSenderLimited(_logger, sender, _options.PerSenderPerSecond, _options.PerSenderBurst);
            var refusal = $"more than {_options.PerSenderPerSecond:0.#} commands per second (bursts of {_options.PerSenderBurst}) from '{CommandJson.Clip(sender)}'; "
                + $"commands beyond that are dropped without a reply for {_options.RefusalReplyEvery.TotalSeconds:0} s. Alarm commands are not limited";
            Enqueue(_others, ref _otherCount, _options.QueueLength, new Item(payload, refusal), "other");
        }

        return false;
    }

    /// <summary>Stops the worker; commands still queued are not carried out (the centre sees no reply and resends).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _worker.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _ready.Dispose();
    }

    // Only the top level is read, and only as far as type and by: the full checks are the processor's.
    private static (string? Type, string? By) Peek(byte[] payload)
    {
        string? type = null, by = null;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, null);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                var isBy = reader.ValueTextEquals("by"u8);
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && (isType || isBy) && reader.ValueSpan.Length <= 256)
                {
                    if (isType)
                    {
                        type = reader.GetString();
                    }
                    else
                    {
                        by = reader.GetString();
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Malformed: it goes the ordinary way and gets its malformed_json reply, counted against no name.
        }

        return (type, by);
    }

    private (bool Allowed, bool TellSender) Take(string sender)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (!_senders.TryGetValue(sender, out var bucket))
            {
                if (_senders.Count >= _options.MaxSenders)
                {
                    // Forget the senders whose allowance is whole again: they lose nothing by being forgotten.
                    foreach (var (name, b) in _senders.Where(p => Refilled(p.Value, now) >= _options.PerSenderBurst).ToList())
                    {
                        _senders.Remove(name);
                    }
                }

                sender = _senders.Count < _options.MaxSenders ? sender : Others;
                if (!_senders.TryGetValue(sender, out bucket))
                {
                    bucket = new Bucket { Tokens = _options.PerSenderBurst, At = now, RefusedAt = long.MinValue };
                    _senders[sender] = bucket;
                }
            }

            bucket.Tokens = Refilled(bucket, now);
            bucket.At = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens--;
                return (true, false);
            }

            var tell = bucket.RefusedAt == long.MinValue || _time.GetElapsedTime(bucket.RefusedAt, now) >= _options.RefusalReplyEvery;
            if (tell)
            {
                bucket.RefusedAt = now;
            }

            return (false, tell);
        }
    }

    private double Refilled(Bucket bucket, long now) =>
        Math.Min(_options.PerSenderBurst, bucket.Tokens + (_time.GetElapsedTime(bucket.At, now).TotalSeconds * _options.PerSenderPerSecond));

    private bool Enqueue(ConcurrentQueue<Item> queue, ref int count, int limit, Item item, string lane)
    {
        if (Interlocked.Increment(ref count) > limit)
        {
            Interlocked.Decrement(ref count);
            Interlocked.Increment(ref _dropped);
            var now = _time.GetTimestamp();
            var last = Interlocked.Read(ref _queueFullLoggedAt);
            if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= _options.RefusalReplyEvery)
                && Interlocked.CompareExchange(ref _queueFullLoggedAt, now, last) == last)
            {
                LogQueueFull(_logger, lane, limit, Dropped);
            }

            return false;
        }

        queue.Enqueue(item);
        _ready.Release();
        return true;
    }

    private async Task RunAsync()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            await _ready.WaitAsync(stop).ConfigureAwait(false);

            // One signal per item, and an alarm command is taken before any other whichever signal woke us.
            Item item;
            if (_alarms.TryDequeue(out var alarm))
            {
                Interlocked.Decrement(ref _alarmCount);
                item = alarm;
            }
            else if (_others.TryDequeue(out var other))
            {
                Interlocked.Decrement(ref _otherCount);
                item = other;
            }
            else
            {
                continue;
            }

            var outcome = item.Refusal is { } refusal ? _handler.Refuse(item.Payload, refusal) : _handler.Carry(item.Payload);
            if (_replySlots.Wait(0))
            {
                _ = PublishAsync(outcome);
            }
            else
            {
                _handler.ReportLost(outcome, $"{_options.RepliesInFlight} replies are still being published");
            }
        }
    }

    private async Task PublishAsync(CommandOutcome outcome)
    {
        try
        {
            await _handler.PublishAsync(outcome, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _replySlots.Release();
        }
    }

    [LoggerMessage(EventId = 3710, Level = LogLevel.Warning, Message = "Commands from {Sender} over the limit ({PerSecond}/s, bursts of {Burst}) are dropped; alarm commands are not limited")]
    private static partial void LogSenderLimited(ILogger logger, string sender, double perSecond, int burst);

    [LoggerMessage(EventId = 3711, Level = LogLevel.Warning, Message = "Command queue ({Lane}) full at {Limit}; commands are dropped without a reply ({Dropped} dropped so far)")]
    private static partial void LogQueueFull(ILogger logger, string lane, int limit, long dropped);

    private sealed record Item(byte[] Payload, string? Refusal);

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public long At { get; set; }

        public long RefusedAt { get; set; }
    }
}
