using System.Text.RegularExpressions;
using System.Threading.Channels;
using EdgeGateway.Core.Falls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tmds.DBus.Protocol;

namespace EdgeGateway.Devices.Wearable;

/// <summary>
/// The wearable over Bluetooth LE through BlueZ: finds it under the first powered adapter, connects, turns on the samples,
/// events and battery notifications, rebuilds the 50 Hz stream (<see cref="WearableStream"/>) and reconnects with back-off
/// when the wearable, bluetoothd or the bus goes away. Nothing here throws at the caller: every failure is a
/// <see cref="Status"/> with a reason and a retry.
/// </summary>
/// <remarks>
/// Samples go out through <see cref="Samples"/>, a bounded channel that drops its oldest sample when the consumer falls
/// behind (<see cref="DroppedSamples"/> counts them): D-Bus signals are read on one loop, and a slow fall detector must
/// never stall it, or the events characteristic (the help button) would wait behind it. Help, reboot and battery go
/// through <see cref="Notices"/>. Each attempt uses a fresh D-Bus connection, so a restarted bus or bluetoothd is met
/// with a clean state; attempts are <see cref="WearableLinkOptions.RetryInterval"/> apart, doubling up to
/// <see cref="WearableLinkOptions.MaxRetryInterval"/>, and back to the first interval after a connection that worked.
/// </remarks>
public sealed partial class BlueZWearableLink : IWearableLink
{
    private const string ServiceUnknownHint = "org.bluez is not on the bus: is bluetoothd installed and running?";
    private readonly WearableLinkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _busAddress;
    private readonly WearableQueues _queues;
    private readonly Channel<ResendRequest> _resends;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _statusLock = new();
    private readonly SinkGuard _guard;
    private readonly WearableNoticeReader _reader;
    private Task? _loop;
    private WearableLinkStatus _status;
    private long _attempts;
    private long _connectCalls;
    private long _connections;
    private int _disposed;

    /// <summary>Prepares the link; <see cref="Start"/> begins connecting.</summary>
    /// <exception cref="ArgumentException">The address is not six hex pairs separated by colons.</exception>
    public BlueZWearableLink(WearableLinkOptions options, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (!AddressPattern().IsMatch(options.Address))
        {
            throw new ArgumentException($"wearable address '{options.Address}': expected six hex pairs separated by colons, e.g. AA:BB:CC:DD:EE:FF", nameof(options));
        }

        _options = options;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _guard = new SinkGuard(options.SensorId, _logger, time);
        _busAddress = options.BusAddress ?? DBusAddress.System ?? "unix:path=/var/run/dbus/system_bus_socket";
        _queues = new WearableQueues(options.SampleQueueCapacity);
        _resends = Channel.CreateBounded<ResendRequest>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        Stream = new WearableStream(time, s => _queues.Samples.Writer.TryWrite(s), r => _resends.Writer.TryWrite(r), options.ResendWait, options.SensorId, _logger);
        _reader = new WearableNoticeReader(time, Stream, _queues.Notices.Writer);
        _status = new WearableLinkStatus(WearableLinkState.Searching, "not started", time.GetUtcNow());
    }

    /// <summary>The wearable's Bluetooth address (the console's <c>wearable status</c> shows it).</summary>
    public string Address => _options.Address;

    /// <summary>Raised on every change of <see cref="Status"/> (from the link's own task; must not block).</summary>
    public event Action<WearableLinkStatus>? StatusChanged;

    /// <summary>The wearable's samples in g, in order, at 50 Hz of device time.</summary>
    public ChannelReader<AccelerationSample> Samples => _queues.Samples.Reader;

    /// <summary>Help presses, reboots and battery levels.</summary>
    public ChannelReader<WearableNotice> Notices => _queues.Notices.Reader;

    /// <summary>The reassembly and its counters (lost, malformed, duplicate packets, resend requests).</summary>
    public WearableStream Stream { get; }

    /// <summary>The link's state and why.</summary>
    public WearableLinkStatus Status
    {
        get
        {
            lock (_statusLock)
            {
                return _status;
            }
        }
    }

    /// <summary>Samples dropped because the consumer of <see cref="Samples"/> fell more than the queue behind.</summary>
    public long DroppedSamples => _queues.DroppedSamples;

    /// <summary>Notices dropped because no one read <see cref="Notices"/>.</summary>
    public long DroppedNotices => _queues.DroppedNotices;

    /// <summary>Attempts started (each on a fresh bus connection).</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary><c>Device1.Connect</c> calls made.</summary>
    public long ConnectCalls => Interlocked.Read(ref _connectCalls);

    /// <summary>Times the link reached <see cref="WearableLinkState.Connected"/>.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>The last battery level in percent, or null before the first.</summary>
    public int? BatteryPercent => _reader.BatteryPercent;

    /// <summary>Starts connecting in the background; returns at once.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _loop ??= Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Disconnects from the bus (the wearable stays paired), stops retrying and completes the channels.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        Stream.Dispose();
        _queues.Complete();
        _stop.Dispose();
    }

    // The supervisor: never reconnects from inside a signal handler (the handler only reports the loss), always from here.
    private async Task RunAsync(CancellationToken ct)
    {
        var delay = _options.RetryInterval;
        while (!ct.IsCancellationRequested)
        {
            Interlocked.Increment(ref _attempts);
            var end = await SessionGuardedAsync(ct).ConfigureAwait(false);
            if (ct.IsCancellationRequested)
            {
                break;
            }

            if (end.WasConnected)
            {
                delay = _options.RetryInterval;
            }

            SetStatus(end.State, end.Reason);
            Log.WearableRetry(_logger, _options.SensorId, end.State, end.Reason, delay);
            try
            {
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryInterval.Ticks));
        }
    }

    private async Task<SessionEnd> SessionGuardedAsync(CancellationToken ct)
    {
        try
        {
            return await SessionAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new SessionEnd(WearableLinkState.Searching, "stopped", false);
        }
        catch (DBusErrorReplyException ex) when (BlueZ.IsServiceMissing(ex))
        {
            return new SessionEnd(WearableLinkState.BlueZMissing, ServiceUnknownHint, false);
        }
        catch (DBusErrorReplyException ex)
        {
            return new SessionEnd(WearableLinkState.Searching, $"BlueZ answered {ex.ErrorName}: {ex.ErrorMessage}", false);
        }
        catch (DBusConnectionException ex)
        {
            return new SessionEnd(WearableLinkState.BlueZMissing, $"D-Bus at {_busAddress}: {ex.Message}", false);
        }
        catch (TimeoutException ex)
        {
            return new SessionEnd(WearableLinkState.Searching, ex.Message, false);
        }
#pragma warning disable CA1031 // The supervisor has no one to rethrow to: any other failure becomes a status and a retry, logged with its stack.
        catch (Exception ex)
        {
            Log.WearableSessionFailed(_logger, ex, _options.SensorId);
            return new SessionEnd(WearableLinkState.Searching, $"unexpected {ex.GetType().Name}: {ex.Message}", false);
        }
#pragma warning restore CA1031
    }

    private async Task<SessionEnd> SessionAsync(CancellationToken ct)
    {
        var observers = new List<IDisposable>();
        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var resolved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var connection = new DBusConnection(new DBusConnectionOptions(_busAddress) { AutoConnect = false });
        using var sessionStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task? writer = null;
        try
        {
            await Bounded(connection.ConnectAsync().AsTask(), "connecting to D-Bus", _options.CallTimeout, ct).ConfigureAwait(false);
            _ = connection.DisconnectedAsync().ContinueWith(
                t => lost.TrySetResult($"D-Bus connection closed: {t.Result?.Message ?? "disposed"}"),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);

            var objects = await Bounded(BlueZ.GetManagedObjectsAsync(connection), "BlueZ GetManagedObjects", _options.CallTimeout, ct).ConfigureAwait(false);
            var adapter = FirstPoweredAdapter(objects);
            if (adapter is null)
            {
                return new SessionEnd(WearableLinkState.NotFound, "BlueZ has no powered Bluetooth adapter (rfkill? `bluetoothctl power on`)", false);
            }

            var device = FindDevice(objects, adapter);
            if (device is null)
            {
                return new SessionEnd(WearableLinkState.NotFound, $"{_options.Address} is unknown to BlueZ under {adapter} (not paired yet: `wearable pair`)", false);
            }

            observers.Add(await BlueZ.WatchPropertiesChangedAsync(connection, device, n =>
            {
                if (n.IsCompletion)
                {
                    lost.TrySetResult(n.Type == NotificationType.OwnerChanged ? "bluetoothd left the bus" : $"D-Bus connection closed ({n.Type})");
                    return;
                }

                if (n.Value.Interface != BlueZ.Device1)
                {
                    return;
                }

                if (n.Value.Bool("Connected") == false)
                {
                    lost.TrySetResult("the wearable disconnected");
                }

                if (n.Value.Bool("ServicesResolved") == true)
                {
                    resolved.TrySetResult();
                }
            }).ConfigureAwait(false));

            var deviceProperties = objects[device][BlueZ.Device1];
            if (!BlueZValue.Bool(deviceProperties, "Connected"))
            {
                SetStatus(WearableLinkState.Searching, $"connecting to {_options.Address} through {adapter}");
                Interlocked.Increment(ref _connectCalls);
                try
                {
                    await Bounded(BlueZ.CallAsync(connection, device, BlueZ.Device1, "Connect"), $"Connect to {_options.Address}", _options.ConnectTimeout, ct).ConfigureAwait(false);
                }
                catch (DBusErrorReplyException ex) when (!BlueZ.IsServiceMissing(ex))
                {
                    return new SessionEnd(WearableLinkState.Searching, $"Connect to {_options.Address} failed: {ex.ErrorName}: {ex.ErrorMessage}", false);
                }
            }

            var servicesResolved = await Bounded(BlueZ.GetAsync(connection, device, BlueZ.Device1, "ServicesResolved"), "reading ServicesResolved", _options.CallTimeout, ct).ConfigureAwait(false);
            if (!(servicesResolved.Type == VariantValueType.Bool && servicesResolved.GetBool()))
            {
                await Bounded(Task.WhenAny(resolved.Task, lost.Task).Unwrap(), "resolving the wearable's GATT services", _options.ServicesResolvedTimeout, ct).ConfigureAwait(false);
                if (lost.Task.IsCompleted)
                {
                    return new SessionEnd(WearableLinkState.Searching, await lost.Task.ConfigureAwait(false), false);
                }
            }

            objects = await Bounded(BlueZ.GetManagedObjectsAsync(connection), "BlueZ GetManagedObjects", _options.CallTimeout, ct).ConfigureAwait(false);
            var gatt = FindCharacteristics(objects, device);
            if (gatt.Samples is null || gatt.Control is null || gatt.Events is null)
            {
                return new SessionEnd(WearableLinkState.NotFound, $"{_options.Address} is not an EdgeGateway wearable: no {Missing(gatt)} characteristic of service {WearableProtocol.ServiceUuid}", false);
            }

            observers.Add(await BlueZ.WatchPropertiesChangedAsync(connection, gatt.Samples, n => OnSamples(n, lost)).ConfigureAwait(false));
            observers.Add(await BlueZ.WatchPropertiesChangedAsync(connection, gatt.Events, n => OnEvents(n, lost)).ConfigureAwait(false));
            await Bounded(BlueZ.CallAsync(connection, gatt.Events, BlueZ.GattCharacteristic1, "StartNotify"), "StartNotify on events", _options.CallTimeout, ct).ConfigureAwait(false);
            await Bounded(BlueZ.CallAsync(connection, gatt.Samples, BlueZ.GattCharacteristic1, "StartNotify"), "StartNotify on samples", _options.CallTimeout, ct).ConfigureAwait(false);
            if (gatt.Battery is not null)
            {
                observers.Add(await BlueZ.WatchPropertiesChangedAsync(connection, gatt.Battery, OnBattery).ConfigureAwait(false));
                await Bounded(BlueZ.CallAsync(connection, gatt.Battery, BlueZ.GattCharacteristic1, "StartNotify"), "StartNotify on battery level", _options.CallTimeout, ct).ConfigureAwait(false);
                var level = await Bounded(BlueZ.GetAsync(connection, gatt.Battery, BlueZ.GattCharacteristic1, "Value"), "reading the battery level", _options.CallTimeout, ct).ConfigureAwait(false);
                ReportBattery(BlueZValue.Bytes(level));
            }
            else
            {
                Log.WearableNoBattery(_logger, _options.SensorId, _options.Address);
            }

            writer = WriteResendsAsync(connection, gatt.Control, sessionStop.Token);
            Interlocked.Increment(ref _connections);
            SetStatus(WearableLinkState.Connected, $"{_options.Address} through {adapter}");
            Log.WearableConnected(_logger, _options.SensorId, _options.Address, adapter);
            var reason = await lost.Task.WaitAsync(ct).ConfigureAwait(false);
            return new SessionEnd(WearableLinkState.Searching, reason, true);
        }
        finally
        {
            await sessionStop.CancelAsync().ConfigureAwait(false);
            foreach (var observer in observers)
            {
                observer.Dispose();
            }

            if (writer is not null)
            {
                await writer.ConfigureAwait(false);
            }
        }
    }

    // Runs on the D-Bus reading loop: parse and hand over, nothing that blocks.
    private void OnSamples(Notification<PropertiesChange> n, TaskCompletionSource<string> lost)
    {
        if (n.IsCompletion)
        {
            lost.TrySetResult($"samples subscription ended ({n.Type})");
            return;
        }

        var value = n.Value.Bytes("Value");
        if (value is not null && !Stream.Accept(value))
        {
            Log.WearableMalformed(_logger, _options.SensorId, Stream.LastProblem ?? "", Stream.MalformedPackets);
        }
    }

    private void OnEvents(Notification<PropertiesChange> n, TaskCompletionSource<string> lost)
    {
        if (n.IsCompletion)
        {
            lost.TrySetResult($"events subscription ended ({n.Type})");
            return;
        }

        var value = n.Value.Bytes("Value");
        if (value is null)
        {
            return;
        }

        // Lock-free: events come from the one D-Bus reader.
        if (!_reader.ReadEvent(value, out var problem))
        {
            Log.WearableMalformed(_logger, _options.SensorId, $"{problem}: events notification of {value.Length} bytes", Stream.MalformedPackets);
        }
    }

    private void OnBattery(Notification<PropertiesChange> n)
    {
        if (!n.IsCompletion)
        {
            ReportBattery(n.Value.Bytes("Value"));
        }
    }

    private void ReportBattery(byte[]? value) => _reader.ReadBattery(value);

    private async Task WriteResendsAsync(DBusConnection connection, string control, CancellationToken ct)
    {
        try
        {
            await foreach (var request in _resends.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await Bounded(BlueZ.WriteValueAsync(connection, control, request.ToBytes()), "writing a resend request", _options.CallTimeout, ct).ConfigureAwait(false);
                    Log.WearableResendAsked(_logger, _options.SensorId, request.FromSeq, request.Count);
                }
                catch (Exception ex) when (ex is DBusExceptionBase or TimeoutException)
                {
                    // The gap's own deadline counts the loss; a failed write only means the resend will not come.
                    Log.WearableResendFailed(_logger, _options.SensorId, request.FromSeq, request.Count, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The session ended; requests still queued go out on the next connection (the device's ring is 30 s deep).
        }
    }

    private Task<T> Bounded<T>(Task<T> call, string what, TimeSpan limit, CancellationToken ct) => BlueZ.BoundedAsync(call, what, limit, _time, ct);

    private Task Bounded(Task call, string what, TimeSpan limit, CancellationToken ct) => BlueZ.BoundedAsync(call, what, limit, _time, ct);

    private static string? FirstPoweredAdapter(ManagedObjects objects) =>
        objects.Where(o => o.Value.TryGetValue(BlueZ.Adapter1, out var a) && BlueZValue.Bool(a, "Powered"))
            .Select(o => o.Key)
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();

    private string? FindDevice(ManagedObjects objects, string adapter) =>
        objects.Where(o => o.Value.TryGetValue(BlueZ.Device1, out var d)
                && string.Equals(BlueZValue.String(d, "Address"), _options.Address, StringComparison.OrdinalIgnoreCase)
                && (BlueZValue.Path(d, "Adapter") ?? o.Key).StartsWith(adapter, StringComparison.Ordinal))
            .Select(o => o.Key)
            .FirstOrDefault();

    private static Characteristics FindCharacteristics(ManagedObjects objects, string device)
    {
        string? samples = null, control = null, events = null, battery = null;
        foreach (var (path, interfaces) in objects)
        {
            if (!path.StartsWith(device + "/", StringComparison.Ordinal) || !interfaces.TryGetValue(BlueZ.GattCharacteristic1, out var c))
            {
                continue;
            }

            switch (BlueZValue.String(c, "UUID")?.ToLowerInvariant())
            {
                case WearableProtocol.SamplesUuid:
                    samples = path;
                    break;
                case WearableProtocol.ControlUuid:
                    control = path;
                    break;
                case WearableProtocol.EventsUuid:
                    events = path;
                    break;
                case WearableProtocol.BatteryLevelUuid:
                    battery = path;
                    break;
            }
        }

        return new Characteristics(samples, control, events, battery);
    }

    private static string Missing(Characteristics c) =>
        string.Join(", ", new[] { (c.Samples, "samples"), (c.Control, "control"), (c.Events, "events") }.Where(x => x.Item1 is null).Select(x => x.Item2));

    private void SetStatus(WearableLinkState state, string reason)
    {
        WearableLinkStatus status;
        lock (_statusLock)
        {
            if (_status.State == state && _status.Reason == reason)
            {
                return;
            }

            status = _status = new WearableLinkStatus(state, reason, _time.GetUtcNow());
        }

        // A subscriber's bug must not end the supervisor.
        _guard.Deliver(StatusChanged, status);
    }

    [GeneratedRegex("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")]
    private static partial Regex AddressPattern();

    private readonly record struct SessionEnd(WearableLinkState State, string Reason, bool WasConnected);

    private sealed record Characteristics(string? Samples, string? Control, string? Events, string? Battery);
}
