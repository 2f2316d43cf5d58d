using System.Diagnostics;

namespace EdgeGateway.TestSupport;

/// <summary>Bounded waiting for a condition that real processes, brokers and timers make true sooner or later.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 20 ms; throws <see cref="TimeoutException"/> (with <paramref name="context"/>) after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string>? context = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"condition not met within {timeout}{(context is null ? "" : $"; {context()}")}");
            }

            await Task.Delay(20);
        }
    }
}
