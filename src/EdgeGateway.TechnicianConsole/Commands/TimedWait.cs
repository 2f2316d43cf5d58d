using System.Threading.Channels;

namespace EdgeGateway.TechnicianConsole.Commands;

/// <summary>A walk-test's wait for the technician: a reading that matches, or the step's time is up.</summary>
internal static class TimedWait
{
    /// <summary>True once a reading matches; false when <paramref name="timeout"/> passes first. The caller's cancellation (Ctrl-C) still throws.</summary>
    public static async Task<bool> UntilAsync<T>(ChannelReader<T> readings, Func<T, bool> match, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        using var limit = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, limit.Token);
        try
        {
            while (!match(await readings.ReadAsync(linked.Token).ConfigureAwait(false)))
            {
            }

            return true;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
