using EdgeGateway.Core.Outputs;

namespace EdgeGateway.Hosting;

/// <summary>A buzzer that announces each change of pattern (to the console, the demo view, health) after driving the real one.</summary>
internal sealed class NotifyingBuzzer(IBuzzer inner) : IBuzzer
{
    public event Action<BuzzerPattern>? Changed;

    public BuzzerPattern Pattern => inner.Pattern;

    public void Set(BuzzerPattern pattern)
    {
        var before = inner.Pattern;
        inner.Set(pattern);
        if (before != pattern)
        {
            Changed?.Invoke(pattern);
        }
    }
}

/// <summary>A status LED that announces each change of pattern after driving the real one.</summary>
internal sealed class NotifyingLed(IStatusLed inner) : IStatusLed
{
    public event Action<LedPattern>? Changed;

    public LedPattern Pattern => inner.Pattern;

    public void Set(LedPattern pattern)
    {
        var before = inner.Pattern;
        inner.Set(pattern);
        if (before != pattern)
        {
            Changed?.Invoke(pattern);
        }
    }
}
