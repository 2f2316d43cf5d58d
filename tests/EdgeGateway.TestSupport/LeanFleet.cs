using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Uplink.Mqtt;

namespace EdgeGateway.TestSupport;

/// <summary>What one <see cref="LeanFleet"/> gateway is doing.</summary>
public enum FleetGatewayState
{
    /// <summary>Never asked to connect.</summary>
    Idle,

    /// <summary>Waiting for its (re)connect moment or backoff.</summary>
    Waiting,

    /// <summary>TCP connect or CONNECT sent, no CONNACK yet.</summary>
    Connecting,

    /// <summary>CONNACK received.</summary>
    Connected,

    /// <summary>Killed: socket closed without DISCONNECT; stays down until <see cref="LeanFleet.ReconnectAll"/>.</summary>
    Killed,

    /// <summary>Frozen: socket open, nothing sent or read; the broker finds out by keep-alive.</summary>
    Frozen,

    /// <summary>Cut by <see cref="LeanFleet.CutAll"/>; down until <see cref="LeanFleet.ReconnectAll"/>.</summary>
    Cut,

    /// <summary>Said DISCONNECT (fleet disposed).</summary>
    Closed,
}

/// <summary>
/// N simulated gateways for load tests, each its own MQTT 3.1.1 connection over a raw socket with its own client id,
/// keep-alive, retained birth and last will (the real gateway's topics and payloads), an outbox that sends alarms first and
/// retransmits unacked events under the same id until the centre's EventAck, heartbeats, and the failures a region sees:
/// kill, freeze, mute, a network cut and the reconnect storm after it.
/// </summary>
/// <remarks>
/// Lean so that 20 000 fit one process: one pending receive per socket into a 512-byte buffer, pooled buffers for writes, and one timer thread for every ping, heartbeat, retransmission and reconnect.
/// </remarks>
public sealed class LeanFleet : IAsyncDisposable
{
    private const int TickMs = 50;
    private const int ReceiveBuffer = 512;
    private readonly LeanFleetOptions _options;
    private readonly Gateway[] _gateways;
    private readonly IPEndPoint _broker;
    private readonly IReadOnlyList<IPAddress> _sources;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<FleetEvent> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _timer;
    private int _connecting;
    private int _connected;
    private long _acked;
    private long _pending;
    private long _retransmissions;
    private long _drops;
    private long _lateAcks;
    private long _heartbeats;
    private long _refused;
    private bool _heartbeatsOn;
    private string? _lastDrop;

    /// <summary>Creates the fleet (nothing connects until <see cref="ConnectAll"/>).</summary>
    public LeanFleet(LeanFleetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _broker = new IPEndPoint(options.Host, options.Port);
        _sources = options.SourceAddresses ?? Enumerable.Range(2, 253).Select(i => new IPAddress(new byte[] { 127, 0, 0, (byte)i })).ToArray();
        var clock = new FixedClockSyncStatus(true);
        _gateways = Enumerable.Range(0, options.Gateways).Select(i =>
        {
            var id = $"{options.IdPrefix}{i:00000}";
            return new Gateway(i, id, new CareEventFactory(id, TimeProvider.System, clock));
        }).ToArray();
        _timer = new Thread(TimerLoop) { IsBackground = true, Name = "lean-fleet-timer" };
        _timer.Start();
    }

    /// <summary>The number of gateways.</summary>
    public int Count => _gateways.Length;

    /// <summary>Time since the fleet was created: the clock of every time it reports.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Gateways with a CONNACK right now.</summary>
    public int Connected => Volatile.Read(ref _connected);

    /// <summary>Events acked by the centre.</summary>
    public long Acked => Interlocked.Read(ref _acked);

    /// <summary>Events raised and not yet acked (queued or in flight).</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Event sends after the first.</summary>
    public long Retransmissions => Interlocked.Read(ref _retransmissions);

    /// <summary>Connections lost that we did not end ourselves (broker closed, ping or CONNACK timeout, refused).</summary>
    public long Drops => Interlocked.Read(ref _drops);

    /// <summary>Why the last connection was lost without our doing, or null.</summary>
    public string? LastDropReason => Volatile.Read(ref _lastDrop);

    /// <summary>Acks for events already acked (a retransmission's second ack).</summary>
    public long LateAcks => Interlocked.Read(ref _lateAcks);

    /// <summary>Heartbeats published.</summary>
    public long Heartbeats => Interlocked.Read(ref _heartbeats);

    /// <summary>CONNACKs or SUBACKs that refused.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Every event raised so far, in the order raised.</summary>
    public IReadOnlyList<FleetEvent> Events => _events.ToArray();

    /// <summary>Gateway <paramref name="gateway"/>'s id (its MQTT client id).</summary>
    public string IdOf(int gateway) => _gateways[gateway].Id;

    /// <summary>Gateway <paramref name="gateway"/>'s boot id (in its birth, will and heartbeats).</summary>
    public Guid BootIdOf(int gateway) => _gateways[gateway].Factory.BootId;

    /// <summary>What gateway <paramref name="gateway"/> is doing.</summary>
    public FleetGatewayState StateOf(int gateway) => _gateways[gateway].State;

    /// <summary>Every moment gateway <paramref name="gateway"/> got its CONNACK (first connect and every reconnect).</summary>
    public IReadOnlyList<TimeSpan> ConnectedAt(int gateway)
    {
        var g = _gateways[gateway];
        lock (g)
        {
            return g.Connects.ToArray();
        }
    }

    /// <summary>The wall-clock time in gateway <paramref name="gateway"/>'s last heartbeat, or null.</summary>
    public DateTimeOffset? LastHeartbeat(int gateway)
    {
        var g = _gateways[gateway];
        lock (g)
        {
            return g.LastHeartbeat;
        }
    }

    /// <summary>Connects every idle gateway at a random moment within <paramref name="spread"/> (zero: as fast as <see cref="LeanFleetOptions.MaxConcurrentConnects"/> allows).</summary>
    public void ConnectAll(TimeSpan spread) => Schedule(_gateways.Where(g => g.State == FleetGatewayState.Idle), spread);

    /// <summary>Waits until <paramref name="count"/> gateways are connected at once; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitConnectedAsync(int count, TimeSpan timeout)
    {
        var wait = Stopwatch.StartNew();
        while (Connected < count)
        {
            if (wait.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Starts the heartbeats: gateway i's first at i/N of the interval from now, so they spread evenly; a reconnected gateway beats at once, as the real one.</summary>
    public void StartHeartbeats()
    {
        var now = Elapsed;
        for (var i = 0; i < _gateways.Length; i++)
        {
            var g = _gateways[i];
            lock (g)
            {
                g.NextHeartbeat = now + (_options.HeartbeatInterval * i / _gateways.Length);
            }
        }

        Volatile.Write(ref _heartbeatsOn, true);
    }

    /// <summary>The home raises an event: queued in the gateway's outbox (also while disconnected), sent when the window allows, alarms first.</summary>
    public FleetEvent RaiseEvent(int gateway, bool alarm)
    {
        var g = _gateways[gateway];
        lock (g)
        {
            var e = g.Factory.Create(alarm ? CareEventKind.HelpButton : CareEventKind.FlowTotals, "fleet", alarm ? "help" : "totals");
            var record = new FleetEvent(gateway, e.Id, alarm, Elapsed, Topics.Events(g.Id, e.Class), CloudEventCodec.Serialize(e));
            _events.Enqueue(record);
            Interlocked.Increment(ref _pending);
            (alarm ? g.Alarms : g.Routine).Enqueue(record);
            if (g.State == FleetGatewayState.Connected && !g.Muted)
            {
                Pump(g);
            }

            return record;
        }
    }

    /// <summary>The gateway dies with its socket closed (FIN, no DISCONNECT): the broker publishes its will at once.</summary>
    public void Kill(int gateway) => Stop(_gateways[gateway], FleetGatewayState.Killed);

    /// <summary>The whole gateway stops (no pings, heartbeats or reads, socket left open): the broker publishes the will after 1.5 × keep-alive.</summary>
    public void Freeze(int gateway)
    {
        var g = _gateways[gateway];
        lock (g)
        {
            if (g.State == FleetGatewayState.Connected)
            {
                Interlocked.Decrement(ref _connected);
            }
            else if (g.State == FleetGatewayState.Connecting)
            {
                Interlocked.Decrement(ref _connecting);
            }

            g.State = FleetGatewayState.Frozen;
        }
    }

    /// <summary>The application hangs: no heartbeats and no events go out, but the MQTT pings go on (the centre's silent alarm, not offline).</summary>
    public void Mute(IEnumerable<int> gateways)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        foreach (var i in gateways)
        {
            var g = _gateways[i];
            lock (g)
            {
                g.Muted = true;
            }
        }
    }

    /// <summary>The application recovers: heartbeats from the next one due, and the outbox drains.</summary>
    public void Unmute(IEnumerable<int> gateways)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        foreach (var i in gateways)
        {
            var g = _gateways[i];
            lock (g)
            {
                g.Muted = false;
            }
        }
    }

    /// <summary>A network cut: every connection dropped at once; the homes keep raising events into their outboxes.</summary>
    public void CutAll()
    {
        foreach (var g in _gateways)
        {
            Stop(g, FleetGatewayState.Cut);
        }
    }

    /// <summary>Every gateway not connected (cut, killed, frozen, waiting) reconnects at a random moment within <paramref name="spread"/>, then sends its outbox, alarms first.</summary>
    public void ReconnectAll(TimeSpan spread) => ReconnectAll(spread, new HashSet<int>());

    /// <summary>As <see cref="ReconnectAll(TimeSpan)"/>, except the gateways in <paramref name="stayDown"/> (homes that do not come back).</summary>
    public void ReconnectAll(TimeSpan spread, IReadOnlySet<int> stayDown)
    {
        ArgumentNullException.ThrowIfNull(stayDown);
        var down = new List<Gateway>();
        foreach (var g in _gateways)
        {
            lock (g)
            {
                if (g.State is FleetGatewayState.Connected or FleetGatewayState.Connecting or FleetGatewayState.Closed || stayDown.Contains(g.Index))
                {
                    continue;
                }

                if (g.State == FleetGatewayState.Frozen)
                {
                    // The frozen process is restarted: its old socket goes, as the kernel would close it.
                    CloseSocket(g);
                }

                down.Add(g);
            }
        }

        Schedule(down, spread);
    }

    /// <summary>Disconnects every gateway with DISCONNECT (the broker drops the wills) and stops the timer.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _timer.Join();
        foreach (var g in _gateways)
        {
            lock (g)
            {
                if (g.State == FleetGatewayState.Connected)
                {
                    Send(g, [0xE0, 0x00]);
                }

                CloseSocket(g);
                g.State = FleetGatewayState.Closed;
            }
        }

        _stop.Dispose();
    }

    private void Schedule(IEnumerable<Gateway> gateways, TimeSpan spread)
    {
        var now = Elapsed;
        foreach (var g in gateways)
        {
            lock (g)
            {
                g.State = FleetGatewayState.Waiting;
                g.ConnectAt = now + (spread * Random.Shared.NextDouble());
                g.Backoff = TimeSpan.Zero;
            }
        }
    }

    private void Stop(Gateway g, FleetGatewayState state)
    {
        lock (g)
        {
            if (g.State == FleetGatewayState.Connected)
            {
                Interlocked.Decrement(ref _connected);
            }
            else if (g.State == FleetGatewayState.Connecting)
            {
                Interlocked.Decrement(ref _connecting);
            }

            g.DownSince ??= Elapsed;
            CloseSocket(g);
            g.State = state;
        }
    }

    private static void CloseSocket(Gateway g)
    {
        g.Generation++;
        g.Partial = null;
        var s = g.Socket;
        g.Socket = null;
        s?.Dispose();
    }

    // Lost without our doing: back after a backoff (1 s doubling to 30 s, with jitter), as the real gateway's reconnect.
    private void Drop(Gateway g, int generation, string reason)
    {
        if (g.Generation != generation || g.State is not (FleetGatewayState.Connected or FleetGatewayState.Connecting))
        {
            return;
        }

        if (g.State == FleetGatewayState.Connected)
        {
            Interlocked.Decrement(ref _connected);
        }
        else
        {
            Interlocked.Decrement(ref _connecting);
        }

        Interlocked.Increment(ref _drops);
        g.DownSince ??= Elapsed;
        Volatile.Write(ref _lastDrop, $"{g.Id}: {reason}");
        CloseSocket(g);
        if (_options.ReconnectOnDrop && !_stop.IsCancellationRequested)
        {
            g.Backoff = g.Backoff == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(30).Ticks, g.Backoff.Ticks * 2));
            g.ConnectAt = Elapsed + (g.Backoff * (0.5 + Random.Shared.NextDouble()));
            g.State = FleetGatewayState.Waiting;
        }
        else
        {
            g.State = FleetGatewayState.Cut;
        }
    }

    private void TimerLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            var now = Elapsed;
            var heartbeats = Volatile.Read(ref _heartbeatsOn);
            foreach (var g in _gateways)
            {
                lock (g)
                {
                    switch (g.State)
                    {
                        case FleetGatewayState.Waiting when now >= g.ConnectAt && Volatile.Read(ref _connecting) < _options.MaxConcurrentConnects:
                            StartConnect(g);
                            break;
                        case FleetGatewayState.Connecting when now - g.ConnectStarted > _options.ConnectTimeout:
                            Drop(g, g.Generation, "no CONNACK within the connect timeout");
                            break;
                        case FleetGatewayState.Connected:
                            Tick(g, now, heartbeats);
                            break;
                        default:
                            break;
                    }
                }
            }

            var spent = Elapsed - now;
            if (spent < TimeSpan.FromMilliseconds(TickMs))
            {
                _stop.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(TickMs) - spent);
            }
        }
    }

    private void Tick(Gateway g, TimeSpan now, bool heartbeats)
    {
        var generation = g.Generation;

        // A ping every half keep-alive, as PathLink; unanswered for a whole keep-alive (PathLink: half) means a dead link —
        // the longer patience because a load process sharing two cores stalls for a second now and then, and a drop
        // caused by our own stall is not what the bench measures.
        if (g.PingSentAt is { } ping && now - ping > _options.KeepAlive)
        {
            Drop(g, generation, "no PINGRESP within the keep-alive");
            return;
        }

        if (now - g.LastPing >= _options.KeepAlive / 2)
        {
            g.LastPing = now;
            g.PingSentAt ??= now;
            Send(g, [0xC0, 0x00]);
        }

        if (g.Muted || g.Generation != generation)
        {
            return;
        }

        if (heartbeats && now >= g.NextHeartbeat)
        {
            g.NextHeartbeat = now - g.NextHeartbeat > _options.HeartbeatInterval ? now + _options.HeartbeatInterval : g.NextHeartbeat + _options.HeartbeatInterval;
            SendHeartbeat(g);
        }

        if (g.RoutineHeldUntil != TimeSpan.Zero && now >= g.RoutineHeldUntil)
        {
            g.RoutineHeldUntil = TimeSpan.Zero;
            Pump(g);
        }

        foreach (var e in g.InFlight)
        {
            if (now >= e.Due && g.Generation == generation)
            {
                Resend(g, e, now);
            }
        }
    }

    private void Resend(Gateway g, FleetEvent e, TimeSpan now)
    {
        e.Attempt++;
        e.Retransmissions++;
        e.Due = now + RetransmitDelay(e.Attempt);
        Interlocked.Increment(ref _retransmissions);
        Publish(g, e.Topic, e.Payload!, retain: false);
    }

    private TimeSpan RetransmitDelay(int attempt) =>
        TimeSpan.FromTicks(Math.Min(_options.MaxRetransmitDelay.Ticks, _options.AckTimeout.Ticks << Math.Min(attempt, 16)));

    private void SendHeartbeat(Gateway g)
    {
        var now = DateTimeOffset.UtcNow;
        g.LastHeartbeat = now;
        Interlocked.Increment(ref _heartbeats);
        var oldest = g.InFlight.Count > 0 ? Elapsed - g.InFlight.Min(e => e.Raised) : (TimeSpan?)null;
        var hb = new Heartbeat(g.Factory.BootId, Elapsed, g.InFlight.Count + g.Alarms.Count + g.Routine.Count, oldest, true, now, PrimaryUp, _options.HeartbeatInterval);
        Publish(g, Topics.Heartbeat(g.Id), hb.ToJson(), retain: false);
    }

    private static readonly Dictionary<string, string> PrimaryUp = new() { ["path.primary"] = "up" };

    // Fills the window from the outbox, alarms first (a quarter more room for them, as EventDelivery's reserve).
    private void Pump(Gateway g)
    {
        var now = Elapsed;
        var generation = g.Generation;
        while (g.Generation == generation && g.InFlight.Count < _options.Window + (_options.Window / 4) && g.Alarms.TryDequeue(out var a))
        {
            First(g, a, now);
        }

        while (g.Generation == generation && now >= g.RoutineHeldUntil && g.InFlight.Count < _options.Window && g.Routine.TryDequeue(out var r))
        {
            First(g, r, now);
        }
    }

    private void First(Gateway g, FleetEvent e, TimeSpan now)
    {
        g.InFlight.Add(e);
        e.FirstSent = now;
        e.Due = now + RetransmitDelay(0);
        Publish(g, e.Topic, e.Payload!, retain: false);
    }

    private void StartConnect(Gateway g)
    {
        Socket? socket = null;
        try
        {
            socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Bind(new IPEndPoint(_sources[g.Index % _sources.Count], 0));
        }
        catch (SocketException)
        {
            // Out of file descriptors or ports: counted as a drop and tried again later, never the timer thread's end.
            socket?.Dispose();
            Interlocked.Increment(ref _drops);
            g.ConnectAt = Elapsed + TimeSpan.FromSeconds(1);
            return;
        }

        g.Generation++;
        g.Socket = socket;
        g.State = FleetGatewayState.Connecting;
        g.ConnectStarted = Elapsed;
        Interlocked.Increment(ref _connecting);
        _ = RunAsync(g, socket, g.Generation);
    }

    private async Task RunAsync(Gateway g, Socket socket, int generation)
    {
        try
        {
            await socket.ConnectAsync(_broker).ConfigureAwait(false);
            lock (g)
            {
                if (g.Generation != generation)
                {
                    return;
                }

                SendConnect(g);
            }

            // One small buffer per connection and one receive pending on it; a longer packet is put together in Partial.
            // (Zero-byte receives, which would hold no buffer, completed here without data and the read after them blocked
            // a pool thread per gateway.)
            var buffer = new byte[ReceiveBuffer];
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                lock (g)
                {
                    if (g.Generation != generation || g.State == FleetGatewayState.Frozen)
                    {
                        return;
                    }

                    if (n == 0)
                    {
                        Drop(g, generation, "closed by the broker");
                        return;
                    }

                    Received(g, buffer.AsSpan(0, n), generation);
                    if (g.Generation != generation)
                    {
                        return;
                    }
                }
            }
        }
        catch (Exception ex)
        {
            // Whatever ends the loop (a socket error, a packet we misread) ends this connection, never silently.
            lock (g)
            {
                Drop(g, generation, ex.ToString());
            }
        }
    }

    private void Received(Gateway g, ReadOnlySpan<byte> data, int generation)
    {
        byte[]? joined = null;
        if (g.Partial is { } partial)
        {
            joined = new byte[partial.Length + data.Length];
            partial.CopyTo(joined, 0);
            data.CopyTo(joined.AsSpan(partial.Length));
            data = joined;
            g.Partial = null;
        }

        while (data.Length >= 2 && g.Generation == generation)
        {
            var length = 0;
            var multiplier = 1;
            var at = 1;
            while (true)
            {
                if (at >= data.Length)
                {
                    g.Partial = data.ToArray();
                    return;
                }

                var b = data[at++];
                length += (b & 0x7F) * multiplier;
                multiplier *= 128;
                if ((b & 0x80) == 0)
                {
                    break;
                }
            }

            if (data.Length < at + length)
            {
                g.Partial = data.ToArray();
                return;
            }

            Packet(g, data[0], data.Slice(at, length), generation);
            data = data[(at + length)..];
        }

        if (data.Length > 0 && g.Generation == generation)
        {
            g.Partial = data.ToArray();
        }
    }

    private void Packet(Gateway g, byte header, ReadOnlySpan<byte> body, int generation)
    {
        switch (header >> 4)
        {
            case 2: // CONNACK
                if (body.Length < 2 || body[1] != 0)
                {
                    Interlocked.Increment(ref _refused);
                    Drop(g, generation, $"CONNACK refused ({(body.Length < 2 ? -1 : body[1])})");
                    return;
                }

                Interlocked.Decrement(ref _connecting);
                Interlocked.Increment(ref _connected);
                g.State = FleetGatewayState.Connected;
                g.Backoff = TimeSpan.Zero;
                var now = Elapsed;
                g.Connects.Add(now);
                if (_options.RoutineSpread > TimeSpan.Zero && g.DownSince is { } down && now - down >= _options.OutageThreshold)
                {
                    // As the real gateway after an outage: alarms at once, routine reports at a random moment within the spread.
                    g.RoutineHeldUntil = now + (_options.RoutineSpread * Random.Shared.NextDouble());
                }

                g.DownSince = null;
                g.LastPing = now;
                g.PingSentAt = null;
                SendSubscribe(g);

                // Birth after the CONNACK, as PathLink: it overwrites the will the previous connection left.
                Publish(g, Topics.Status(g.Id), GatewayStatus.Online(g.Factory.BootId), retain: true);
                if (Volatile.Read(ref _heartbeatsOn))
                {
                    g.NextHeartbeat = now;
                }

                // What was in flight when the link went is sent again at once, alarms first, then the outbox.
                foreach (var e in g.InFlight.OrderBy(e => !e.Alarm).ToList())
                {
                    if (!e.Alarm && now < g.RoutineHeldUntil)
                    {
                        e.Due = g.RoutineHeldUntil;
                    }
                    else if (g.Generation == generation && !g.Muted)
                    {
                        Resend(g, e, now);
                    }
                }

                if (!g.Muted)
                {
                    Pump(g);
                }

                break;
            case 3: // PUBLISH from the broker: an ack for us
                var qos = (header >> 1) & 3;
                var topicLength = BinaryPrimitives.ReadUInt16BigEndian(body);
                var at = 2 + topicLength;
                if (qos > 0)
                {
                    Send(g, [0x40, 0x02, body[at], body[at + 1]]);
                    at += 2;
                }

                OnAck(g, body[at..]);
                break;
            case 9: // SUBACK
                if (body.Length >= 3 && body[2] == 0x80)
                {
                    Interlocked.Increment(ref _refused);
                }

                break;
            case 13: // PINGRESP
                g.PingSentAt = null;
                break;
            default: // PUBACK of our QoS 1 publishes: the broker has them; the centre's EventAck is what releases an event.
                break;
        }
    }

    private void OnAck(Gateway g, ReadOnlySpan<byte> payload)
    {
        if (!EventAck.TryParseMany(payload, out var acks, out _))
        {
            return;
        }

        var now = Elapsed;
        var released = false;
        foreach (var ack in acks)
        {
            var i = g.InFlight.FindIndex(e => e.Id == ack.EventId);
            if (i < 0)
            {
                Interlocked.Increment(ref _lateAcks);
                continue;
            }

            var e = g.InFlight[i];
            g.InFlight.RemoveAt(i);
            e.Acked = now;
            e.Payload = null;
            Interlocked.Increment(ref _acked);
            Interlocked.Decrement(ref _pending);
            released = true;
        }

        if (released && !g.Muted)
        {
            Pump(g);
        }
    }

    private void SendConnect(Gateway g)
    {
        var id = Encoding.UTF8.GetBytes(g.Id);
        var willTopic = Encoding.UTF8.GetBytes(Topics.Status(g.Id));
        var will = GatewayStatus.Offline(g.Factory.BootId);
        var body = 10 + 2 + id.Length + 2 + willTopic.Length + 2 + will.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(body + 5);
        try
        {
            var at = Header(buffer, 0x10, body);
            ReadOnlySpan<byte> protocol = [0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04];
            protocol.CopyTo(buffer.AsSpan(at));
            at += protocol.Length;

            // Will retained (0x20), will QoS 1 (0x08), will flag (0x04), clean session (0x02) as asked.
            buffer[at++] = (byte)(0x20 | 0x08 | 0x04 | (_options.CleanSession ? 0x02 : 0));
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(at), (ushort)_options.KeepAlive.TotalSeconds);
            at += 2;
            at = Field(buffer, at, id);
            at = Field(buffer, at, willTopic);
            at = Field(buffer, at, will);
            Send(g, buffer.AsSpan(0, at));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void SendSubscribe(Gateway g)
    {
        var topic = Encoding.UTF8.GetBytes(Topics.Acks(g.Id));
        var body = 2 + 2 + topic.Length + 1;
        Span<byte> buffer = stackalloc byte[body + 5];
        var at = Header(buffer, 0x82, body);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], NextPacketId(g));
        at += 2;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], (ushort)topic.Length);
        at += 2;
        topic.CopyTo(buffer[at..]);
        at += topic.Length;
        buffer[at++] = 0x01;
        Send(g, buffer[..at]);
    }

    private void Publish(Gateway g, string topic, ReadOnlySpan<byte> payload, bool retain)
    {
        var topicLength = Encoding.UTF8.GetByteCount(topic);
        var body = 2 + topicLength + 2 + payload.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(body + 5);
        try
        {
            var at = Header(buffer, (byte)(0x32 | (retain ? 0x01 : 0)), body);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(at), (ushort)topicLength);
            at += 2;
            at += Encoding.UTF8.GetBytes(topic, buffer.AsSpan(at));
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(at), NextPacketId(g));
            at += 2;
            payload.CopyTo(buffer.AsSpan(at));
            at += payload.Length;
            Send(g, buffer.AsSpan(0, at));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ushort NextPacketId(Gateway g)
    {
        g.PacketId = (ushort)(g.PacketId == ushort.MaxValue ? 1 : g.PacketId + 1);
        return g.PacketId;
    }

    private static int Header(Span<byte> buffer, byte type, int remaining)
    {
        buffer[0] = type;
        var at = 1;
        do
        {
            var b = (byte)(remaining % 128);
            remaining /= 128;
            buffer[at++] = remaining > 0 ? (byte)(b | 0x80) : b;
        }
        while (remaining > 0);
        return at;
    }

    private static int Field(Span<byte> buffer, int at, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], (ushort)value.Length);
        value.CopyTo(buffer[(at + 2)..]);
        return at + 2 + value.Length;
    }

    // Under the gateway's lock; a loopback socket's buffer takes a gateway's few hundred bytes at once, so a blocking send never waits long.
    private void Send(Gateway g, ReadOnlySpan<byte> packet)
    {
        if (g.Socket is not { } socket)
        {
            return;
        }

        try
        {
            socket.Send(packet, SocketFlags.None);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Drop(g, g.Generation, ex.Message);
        }
    }

    private sealed class Gateway(int index, string id, CareEventFactory factory)
    {
        public int Index { get; } = index;

        public string Id { get; } = id;

        public CareEventFactory Factory { get; } = factory;

        public FleetGatewayState State { get; set; }

        public Socket? Socket { get; set; }

        public int Generation { get; set; }

        public TimeSpan ConnectAt { get; set; }

        public TimeSpan ConnectStarted { get; set; }

        public TimeSpan Backoff { get; set; }

        public TimeSpan LastPing { get; set; }

        public TimeSpan? PingSentAt { get; set; }

        public TimeSpan NextHeartbeat { get; set; }

        public DateTimeOffset? LastHeartbeat { get; set; }

        public bool Muted { get; set; }

        public ushort PacketId { get; set; }

        public byte[]? Partial { get; set; }

        public Queue<FleetEvent> Alarms { get; } = new(0);

        public Queue<FleetEvent> Routine { get; } = new(0);

        public List<FleetEvent> InFlight { get; } = new(0);

        public List<TimeSpan> Connects { get; } = new(1);

        public TimeSpan? DownSince { get; set; }

        public TimeSpan RoutineHeldUntil { get; set; }
    }
}
