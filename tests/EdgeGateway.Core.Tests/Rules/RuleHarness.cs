using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Time.Testing;
using UnitsNet;

namespace EdgeGateway.Core.Tests.Rules;

/// <summary>
/// A time provider whose wall clock can jump (NTP, a dead RTC) while monotonic time and timers run on, as on a real system.
/// </summary>
internal sealed class JumpingClock(FakeTimeProvider inner) : TimeProvider
{
    private TimeSpan _offset;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + _offset;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);

    public void Jump(TimeSpan by) => _offset += by;
}

/// <summary>Runs rules synchronously on a fake clock, recording what they raise, emit and clear.</summary>
internal sealed class RuleHarness : IRuleContext
{
    public static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
    public static readonly NightWindow Night = new(new TimeOnly(23, 0), new TimeOnly(6, 0), Oslo);
    public static readonly NightWindow Day = new(new TimeOnly(7, 0), new TimeOnly(22, 0), Oslo);

    private readonly List<ICareRule> _rules = [];
    private readonly Dictionary<Guid, Alarm> _active = [];
    private readonly FixedClockSyncStatus _sync;

    public RuleHarness(DateTimeOffset start, bool clockSynchronised = true)
    {
        Fake = new FakeTimeProvider(start);
        Clock = new JumpingClock(Fake);
        _sync = new FixedClockSyncStatus(clockSynchronised);
        Events = new CareEventFactory("home-1", Clock, _sync);
    }

    public FakeTimeProvider Fake { get; }

    public JumpingClock Clock { get; }

    public CareEventFactory Events { get; }

    public List<CareEvent> Raised { get; } = [];

    public List<CareEvent> Emitted { get; } = [];

    public List<(Guid Id, ClearReason Reason)> Cleared { get; } = [];

    public IEnumerable<CareEvent> Active => _active.Values.Select(a => a.Event);

    public EventTime Now => Events.Now();

    /// <summary>Local time in the home now.</summary>
    public DateTime Local => TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), Oslo).DateTime;

    /// <summary>An instant given as Oslo local wall time (not for the ambiguous autumn hour).</summary>
    public static DateTimeOffset OsloTime(int y, int mo, int d, int h, int mi, int s = 0)
    {
        var local = new DateTime(y, mo, d, h, mi, s, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Oslo.GetUtcOffset(local));
    }

    /// <summary>
    /// An inactivity rule (3 h limit, by day) in a home that has been quiet for two hours since 09:00: the start of the
    /// tests that check which readings count as activity.
    /// </summary>
    public static (RuleHarness Harness, InactivityRule Rule, TimeSpan Quiet) QuietForTwoHours()
    {
        var h = new RuleHarness(OsloTime(2026, 1, 15, 9, 0));
        var rule = h.Add(new InactivityRule(new InactivityOptions { Limit = TimeSpan.FromHours(3), WarningDuration = TimeSpan.FromMinutes(5) }, Day));
        h.Start();
        h.AdvanceMinutes(120);
        var quiet = rule.QuietTime;
        Assert.True(quiet >= TimeSpan.FromMinutes(119), $"quiet {quiet}");
        return (h, rule, quiet);
    }

    public T Add<T>(T rule)
        where T : ICareRule
    {
        _rules.Add(rule);
        return rule;
    }

    public void Start()
    {
        foreach (var rule in _rules.OfType<IStartableRule>())
        {
            rule.OnStart(this);
        }
    }

    public void Post(SensorReading reading)
    {
        foreach (var rule in _rules)
        {
            rule.OnReading(reading, this);
        }
    }

    public void Door(string id, bool open) => Post(SensorReading.Contact(id, SensorKind.DoorContact, open, Now));

    public void Mat(string id, bool occupied) => Post(SensorReading.Contact(id, SensorKind.BedMat, occupied, Now));

    public void Button(string id, bool pressed) => Post(SensorReading.Contact(id, SensorKind.HelpButton, pressed, Now));

    public void Flow(string id, double litresPerMinute) =>
        Post(SensorReading.FlowMeter(id, VolumeFlow.FromLitersPerMinute(litresPerMinute), Volume.Zero, Now));

    public void Fall(string id, double confidence, IReadOnlyDictionary<string, string>? features = null)
    {
        var signal = new FallSignal(id, confidence, features, Now);
        foreach (var rule in _rules.OfType<IFallRule>())
        {
            rule.OnFall(signal, this);
        }
    }

    /// <summary>
    /// Advances in steps of at most a second: FakeTimeProvider moves to the end of an Advance before it fires the timers
    /// that fell due, so one big step would show every callback the final time.
    /// </summary>
    public void Advance(TimeSpan by)
    {
        var step = TimeSpan.FromSeconds(1);
        while (by > TimeSpan.Zero)
        {
            var next = by < step ? by : step;
            Fake.Advance(next);
            by -= next;
        }
    }

    public void AdvanceMinutes(double minutes) => Fake.Advance(TimeSpan.FromMinutes(minutes));

    public IEnumerable<CareEvent> RaisedOf(CareEventKind kind) => Raised.Where(e => e.Kind == kind);

    public Alarm RaiseAlarm(CareEventKind kind, string? sensorId, string message, IReadOnlyDictionary<string, string>? data = null, int? priority = null)
    {
        var evt = Events.Create(kind, sensorId, message, data, priority: priority);
        var alarm = new Alarm(evt);
        Raised.Add(evt);
        _active.Add(alarm.Id, alarm);
        return alarm;
    }

    public CareEvent Emit(CareEventKind kind, string? sensorId, string message, IReadOnlyDictionary<string, string>? data = null)
    {
        var evt = Events.Create(kind, sensorId, message, data);
        Assert.NotEqual(EventClass.Alarm, evt.Class);
        Emitted.Add(evt);
        return evt;
    }

    public void ClearAlarm(Guid alarmId, ClearReason reason)
    {
        if (_active.Remove(alarmId, out var alarm))
        {
            alarm.Clear(reason, Now);
            Cleared.Add((alarmId, reason));
        }
    }

    public IDisposable Schedule(ICareRule rule, TimeSpan delay, long token) =>
        Clock.CreateTimer(_ => rule.OnTimer(token, this), null, delay, Timeout.InfiniteTimeSpan);
}
