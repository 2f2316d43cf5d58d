using Microsoft.Extensions.Logging;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>
/// Spreads the routine backlog after an outage: when a whole region comes back at once (the centre's broker, the
/// network or mains power), non-alarm events wait until a moment drawn uniformly within
/// <see cref="UplinkOptions.RoutineSpread"/>, so thousands of homes do not report "mains restored" in the same second.
/// Alarms are never held; <see cref="EventDelivery"/> asks <see cref="HeldUntil"/> before it reads anything but alarms.
/// </summary>
/// <remarks>
/// Social-alarm practice delays a power-loss report by a random 1–4 h for the same reason. A new outage during a hold
/// draws a new hold (the backlog it adds needs spreading as much as the first), and a hold ends by itself at its end:
/// nothing has to clear it.
/// </remarks>
internal sealed partial class RoutineHold(UplinkOptions options, ILogger logger, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Func<double> _draw = options.SpreadDraw ?? DrawShared;
    private DateTimeOffset _until = DateTimeOffset.MinValue;

    /// <summary>Until when routine events wait, or null when nothing is held now.</summary>
    public DateTimeOffset? HeldUntil
    {
        get
        {
            var now = time.GetUtcNow();
            lock (_lock)
            {
                return _until > now ? _until : null;
            }
        }
    }

    /// <summary>Events can be delivered again after no path carried them for <paramref name="outage"/>; a blip shorter than <see cref="UplinkOptions.OutageThreshold"/> holds nothing.</summary>
    public void AfterOutage(TimeSpan outage)
    {
        if (outage < options.OutageThreshold || Begin() is not { } held)
        {
            return;
        }

        LogHeldAfterOutage(logger, held.TotalSeconds, outage.TotalSeconds);
    }

    /// <summary>Mains power came back (a MainsRestored event was accepted): a regional power cut ends for the whole town at once.</summary>
    public void AfterMainsRestored()
    {
        if (Begin() is { } held)
        {
            LogHeldAfterPowerCut(logger, held.TotalSeconds);
        }
    }

    /// <summary>Ends the hold now, whatever its drawn end.</summary>
    public void Release()
    {
        lock (_lock)
        {
            _until = DateTimeOffset.MinValue;
        }
    }

    private TimeSpan? Begin()
    {
        if (options.RoutineSpread <= TimeSpan.Zero)
        {
            return null;
        }

        // A draw outside [0, 1) from a test's source must not hold for longer than the window or go negative.
        var fraction = Math.Clamp(_draw(), 0, 1);
        var held = TimeSpan.FromTicks((long)(options.RoutineSpread.Ticks * fraction));
        lock (_lock)
        {
            _until = time.GetUtcNow() + held;
        }

        return held;
    }

#pragma warning disable CA5394 // spreading a fleet's reports needs no cryptographic randomness
    private static double DrawShared() => Random.Shared.NextDouble();
#pragma warning restore CA5394

    [LoggerMessage(EventId = 3014, Level = LogLevel.Information, Message = "Routine reports held {HoldSeconds:F0} s after an outage of {OutageSeconds:F0} s; alarms go at once")]
    private static partial void LogHeldAfterOutage(ILogger logger, double holdSeconds, double outageSeconds);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Information, Message = "Routine reports held {HoldSeconds:F0} s after mains power returned; alarms go at once")]
    private static partial void LogHeldAfterPowerCut(ILogger logger, double holdSeconds);
}
