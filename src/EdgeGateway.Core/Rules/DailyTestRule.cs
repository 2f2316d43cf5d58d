using System.Globalization;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Core.Rules;

/// <summary>
/// The daily end-to-end test: once a day at a local time the gateway raises one silent test alarm
/// (<see cref="CareEventKind.DailyTest"/>, SCAIP periodic test transmission) that travels the whole chain, so the centre
/// notices a chain that has broken without anyone pressing anything. Silent at home; it clears itself once delivered.
/// </summary>
/// <remarks>
/// The timer runs on the monotonic clock but the time of day is on the wall clock, which NTP may step (a Pi without RTC
/// boots near 1970). So the rule never sleeps longer than <see cref="Recheck"/> and re-reads the wall clock on each wake;
/// a due time missed by more than <see cref="LateLimit"/> (the clock jumped forward) is skipped, not sent late, and the
/// test of the day the clock landed on goes at its time.
/// </remarks>
public sealed class DailyTestRule : IStartableRule
{
    /// <summary>Longest sleep before the wall clock is read again.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromHours(1);

    /// <summary>How late a test may still go out; later than this the day's test is skipped (a clock step, not a delay).</summary>
    public static readonly TimeSpan LateLimit = TimeSpan.FromMinutes(30);

    private readonly DailyTestOptions _options;
    private readonly TimeZoneInfo _zone;
    private readonly TimerSlot _timer = new();
    private DateTimeOffset _due;

    /// <summary>Creates the rule for local time <see cref="DailyTestOptions.Time"/> in <paramref name="zone"/>.</summary>
    public DailyTestRule(DailyTestOptions options, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(zone);
        ConfigurationException.ThrowIfAny(options.Validate());
        _options = options;
        _zone = zone;
    }

    /// <inheritdoc />
    public string Name => "daily-test";

    /// <summary>When the next test is due (wall clock).</summary>
    public DateTimeOffset Due => _due;

    /// <inheritdoc />
    public void OnStart(IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _due = LocalTime.NextOccurrence(_options.Time, _zone, context.Now.Wall);
        Sleep(context);
    }

    /// <inheritdoc />
    public void OnReading(in SensorReading reading, IRuleContext context)
    {
    }

    /// <inheritdoc />
    public void OnTimer(long token, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_timer.Fired(token))
        {
            return;
        }

        var now = context.Now.Wall;
        if (now - _due > LateLimit)
        {
            // Missed by far: the wall clock stepped forward. Today's test still goes if its time is just past.
            _due = LocalTime.NextOccurrence(_options.Time, _zone, now - LateLimit);
        }

        if (now >= _due)
        {
            var local = TimeZoneInfo.ConvertTime(_due, _zone);
            context.RaiseAlarm(
                CareEventKind.DailyTest,
                null,
                string.Create(CultureInfo.InvariantCulture, $"daily end-to-end test ({_options.Time:HH\\:mm} {_zone.Id})"),
                new Dictionary<string, string>
                {
                    ["test"] = "daily",
                    ["scheduled"] = local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                });
            _due = LocalTime.NextOccurrence(_options.Time, _zone, now);
        }
        else if (_due - now > TimeSpan.FromDays(1) + Recheck)
        {
            // The wall clock stepped back by more than a day (NTP correcting a clock that ran ahead): plan from the new now.
            _due = LocalTime.NextOccurrence(_options.Time, _zone, now);
        }

        Sleep(context);
    }

    private void Sleep(IRuleContext context)
    {
        var left = _due - context.Now.Wall;
        _timer.Arm(this, context, left < Recheck ? left : Recheck);
    }
}
