using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Supervision;

/// <summary>
/// Runs the supervision and escalation pass at the earliest deadline any part announced through <see cref="Due"/> (a
/// silence, an offline grace, an escalation), at least every <see cref="DutyCentreOptions.CheckInterval"/>.
/// </summary>
internal sealed partial class CheckLoop(Func<CancellationToken, Task> check, DutyCentreOptions options, ILogger logger)
{
    // A pass that overran its own deadline must not turn the loop into a spin.
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(10);

    private readonly TimeProvider _time = options.Time;
    private long _nextDueTicks = long.MaxValue; // UTC ticks; heartbeats move it from other threads
    private TaskCompletionSource? _wake;

    /// <summary>Runs passes until <paramref name="ct"/> fires; a pass that fails is logged and retried at the next.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // Published before the deadline is read: a Due() after that read finds this and wakes the wait.
                var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _wake, wake);
                var delay = Task.Delay(NextWait(), _time, ct);
                if (await Task.WhenAny(delay, wake.Task).ConfigureAwait(false) != delay)
                {
                    continue; // An earlier deadline arrived with a heartbeat: wait for that one instead.
                }

                await delay.ConfigureAwait(false);
                await check(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                LogCheckFailed(logger, ex.Message);
            }
        }
    }

    /// <summary>A pass begins: the deadlines it (and anything arriving meanwhile) announces are the next pass's.</summary>
    public void Reset() => Interlocked.Exchange(ref _nextDueTicks, long.MaxValue);

    /// <summary>Something falls due at <paramref name="deadline"/>: the next pass runs no later, and a wait for a later one is cut short.</summary>
    public void Due(DateTimeOffset deadline)
    {
        var ticks = deadline.UtcTicks;
        for (var seen = Interlocked.Read(ref _nextDueTicks); ticks < seen;)
        {
            var was = Interlocked.CompareExchange(ref _nextDueTicks, ticks, seen);
            if (was == seen)
            {
                Volatile.Read(ref _wake)?.TrySetResult();
                return;
            }

            seen = was;
        }
    }

    /// <summary>
    /// Until the earliest deadline the last pass saw, at most one <see cref="DutyCentreOptions.CheckInterval"/>: polling
    /// alone would add up to a whole interval to every alarm's delay.
    /// </summary>
    private TimeSpan NextWait()
    {
        var wait = TimeSpan.FromTicks(Interlocked.Read(ref _nextDueTicks) - _time.GetUtcNow().UtcTicks);
        return wait >= options.CheckInterval ? options.CheckInterval : wait > MinimumWait ? wait : MinimumWait;
    }

    [LoggerMessage(EventId = 3205, Level = LogLevel.Error, Message = "Supervision pass failed (retried next pass): {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string reason);
}
