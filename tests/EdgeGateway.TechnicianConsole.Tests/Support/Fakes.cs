using System.Collections.Concurrent;
using System.Device.Gpio;
using System.Text;
using System.Threading.Channels;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Contacts;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.TechnicianConsole.Services;
using EdgeGateway.TechnicianConsole.Transport;

namespace EdgeGateway.TechnicianConsole.Tests.Support;

/// <summary>A terminal in memory: the test types into Input and reads what the console printed.</summary>
public sealed class MemoryTransport : IConsoleTransport
{
    private readonly Channel<byte[]> _input = Channel.CreateUnbounded<byte[]>();
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();
    private byte[] _pending = [];

    public string Name => "memory";

    public long BytesWritten { get; private set; }

    public void Type(string text) => Type(Encoding.UTF8.GetBytes(text));

    public void Type(byte[] bytes) => _input.Writer.TryWrite(bytes);

    public void Hangup() => _input.Writer.TryComplete();

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_pending.Length == 0)
        {
            if (!await _input.Reader.WaitToReadAsync(cancellationToken) || !_input.Reader.TryRead(out var next))
            {
                return 0;
            }

            _pending = next;
        }

        var n = Math.Min(buffer.Length, _pending.Length);
        _pending.AsSpan(0, n).CopyTo(buffer.Span);
        _pending = _pending[n..];
        return n;
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _output.Append(Encoding.UTF8.GetString(data.Span));
            BytesWritten += data.Length;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class FakeStatus : IGatewayStatus
{
    public GatewayStatusSnapshot GetStatus() => new(
        "home-0042", "0.1.0+test", TimeSpan.FromHours(26.5), true,
        [new UplinkPathStatus("primary", true, "connected"), new UplinkPathStatus("mobile", false, "no SIM")],
        2, TimeSpan.FromSeconds(65), 1)
    {
        RoutineHeldUntil = new DateTimeOffset(2026, 12, 5, 3, 5, 0, TimeSpan.Zero),
    };
}

/// <summary>Real door contacts: the GpioController on the simulated driver with ContactInput debouncing.</summary>
public sealed class SimulatedDoors : ISensorDirectory, IDisposable
{
    private readonly SimulatedGpioDriver _driver = new();
    private readonly GpioController _gpio;
    private readonly Dictionary<string, (int Pin, ContactInput Input)> _doors = [];
    private readonly ConcurrentDictionary<string, SensorValue> _last = new();
    private readonly ConcurrentDictionary<int, (string Id, Action<SensorValue> Callback)> _subscribers = new();
    private int _nextSubscription;

    public SimulatedDoors(params (string Id, int Pin)[] doors)
    {
        _gpio = new GpioController(_driver);
        foreach (var (id, pin) in doors)
        {
            // A normally-closed reed switch to ground: magnet present (door closed) pulls the pin low.
            _driver.SetInputLevel(pin, PinValue.Low);
            var input = new ContactInput(_gpio, new ContactInputOptions
            {
                SensorId = id,
                Kind = SensorKind.DoorContact,
                Pin = pin,
                Wiring = ContactWiring.NormallyClosed,
                Debounce = TimeSpan.FromMilliseconds(5),
            }, TimeProvider.System, () => new EventTime(DateTimeOffset.UtcNow, true, TimeSpan.Zero), OnReading);
            _doors[id] = (pin, input);
        }
    }

    public void Open(string id) => _driver.SetInputLevel(_doors[id].Pin, null);

    public void Close(string id) => _driver.SetInputLevel(_doors[id].Pin, PinValue.Low);

    public IReadOnlyList<SensorInfo> List() =>
        _doors.Keys.Order(StringComparer.Ordinal)
            .Select(id => new SensorInfo(id, SensorKind.DoorContact, $"door, BCM {_doors[id].Pin}", _last.GetValueOrDefault(id)))
            .ToList();

    public IDisposable Subscribe(string sensorId, Action<SensorValue> onValue)
    {
        var key = Interlocked.Increment(ref _nextSubscription);
        _subscribers[key] = (sensorId, onValue);
        return new Unsubscriber(() => _subscribers.TryRemove(key, out _));
    }

    private void OnReading(SensorReading reading)
    {
        var value = SensorValue.From(reading);
        _last[reading.SensorId] = value;
        foreach (var (_, (id, callback)) in _subscribers)
        {
            if (id == reading.SensorId)
            {
                callback(value);
            }
        }
    }

    public void Dispose()
    {
        foreach (var (_, input) in _doors.Values)
        {
            input.Dispose();
        }

        _gpio.Dispose();
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}

/// <summary>Keeps the records the console sends, as the host's outbox would take them.</summary>
public sealed class FakeCommissioning : ICommissioningRecord
{
    public List<(Guid Id, CommissioningReport Report)> Sent { get; } = [];

    public Task<Guid> SendAsync(CommissioningReport report, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        Sent.Add((id, report));
        return Task.FromResult(id);
    }
}

public sealed class FakeAlarms : IAlarmControl
{
    public List<AlarmSummary> Active { get; } =
        [new("a-17", "night exit front-door", "taken", new DateTimeOffset(2026, 11, 23, 0, 12, 0, TimeSpan.Zero))];

    public IReadOnlyList<AlarmSummary> List() => Active.ToList();

    public bool TryReset(string id, string actor, out string? error)
    {
        if (Active.RemoveAll(a => a.Id == id) == 0)
        {
            error = $"no active alarm '{id}': expected one of {string.Join(", ", Active.Select(a => a.Id))}";
            return false;
        }

        error = null;
        return true;
    }
}

public sealed class FakeLog : ILogTail
{
    public IReadOnlyList<string> Recent(int count) =>
        Enumerable.Range(1, 30).Select(i => $"log line {i}").TakeLast(count).ToList();
}

public sealed class ListAudit : IAuditLog
{
    private readonly ConcurrentQueue<AuditEntry> _entries = new();

    public IReadOnlyList<AuditEntry> Entries => _entries.ToArray();

    public void Record(AuditEntry entry) => _entries.Enqueue(entry);

    public bool Has(string action) => _entries.Any(e => e.Action == action);
}

/// <summary>The host's wearable as a test plays it: a status, a scan's answer, a pairing's answer, presses and samples on demand.</summary>
public sealed class FakeWearable : IWearable
{
    private readonly Lock _lock = new();
    private readonly List<Action> _help = [];
    private readonly List<Action<double>> _samples = [];

    public bool Simulated { get; set; }

    public WearableSnapshot? Status { get; set; } = new(
        "wearable", "wearable-button", "C8:11:22:33:EE:FF", "connected", "C8:11:22:33:EE:FF through /org/bluez/hci0", new DateTimeOffset(2026, 11, 23, 9, 58, 0, TimeSpan.Zero),
        85, "ok", 20, 10, 61_234, TimeSpan.FromMilliseconds(40), 12, 0, 3, false, TimeSpan.FromSeconds(30));

    public WearableScanResult ScanResult { get; set; } = new(true, "1 found", [new WearableCandidate("C8:11:22:33:EE:FF", "EG-EEFF", -52, false)]);

    public Func<string, WearablePairResult> PairResult { get; set; } = a => new(true, $"{a} paired and trusted through /org/bluez/hci0");

    public List<TimeSpan> Scans { get; } = [];

    public List<string> Paired { get; } = [];

    public WearableSnapshot? Snapshot() => Status;

    public Task<WearableScanResult> ScanAsync(TimeSpan scanTime, CancellationToken cancellationToken)
    {
        Scans.Add(scanTime);
        return Task.FromResult(ScanResult);
    }

    public Task<WearablePairResult> PairAsync(string address, CancellationToken cancellationToken)
    {
        Paired.Add(address);
        return Task.FromResult(PairResult(address));
    }

    public IDisposable SubscribeHelp(Action onPress)
    {
        lock (_lock)
        {
            _help.Add(onPress);
        }

        return new Unsubscribe(() =>
        {
            lock (_lock)
            {
                _help.Remove(onPress);
            }
        });
    }

    public IDisposable SubscribeSamples(Action<double> onSample)
    {
        lock (_lock)
        {
            _samples.Add(onSample);
        }

        return new Unsubscribe(() =>
        {
            lock (_lock)
            {
                _samples.Remove(onSample);
            }
        });
    }

    /// <summary>The wearer (or technician) presses the button.</summary>
    public void Press()
    {
        Action[] handlers;
        lock (_lock)
        {
            handlers = [.. _help];
        }

        foreach (var h in handlers)
        {
            h();
        }
    }

    /// <summary>Samples of |a| in g, in order.</summary>
    public void Samples(params double[] g)
    {
        Action<double>[] handlers;
        lock (_lock)
        {
            handlers = [.. _samples];
        }

        foreach (var value in g)
        {
            foreach (var h in handlers)
            {
                h(value);
            }
        }
    }

    private sealed class Unsubscribe(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
