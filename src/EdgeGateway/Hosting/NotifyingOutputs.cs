using EdgeGateway.Core.Outputs;

namespace EdgeGateway.Hosting;

/// <summary>Wraps an output so each change of pattern is announced (console, demo view) after the real output was driven.</summary>
internal abstract class NotifyingOutput<TPattern>(Func<TPattern> read, Action<TPattern> write)
    where TPattern : struct, Enum
{
    public event Action<TPattern>? Changed;

    public TPattern Pattern => read();

    public void Set(TPattern pattern)
    {
        var before = read();
        write(pattern);
        if (!EqualityComparer<TPattern>.Default.Equals(before, pattern))
        {
            Changed?.Invoke(pattern);
        }
    }
}

/// <summary>A buzzer that announces each change of pattern.</summary>
internal sealed class NotifyingBuzzer(IBuzzer inner) : NotifyingOutput<BuzzerPattern>(() => inner.Pattern, inner.Set), IBuzzer;

/// <summary>A status LED that announces each change of pattern.</summary>
internal sealed class NotifyingLed(IStatusLed inner) : NotifyingOutput<LedPattern>(() => inner.Pattern, inner.Set), IStatusLed;
