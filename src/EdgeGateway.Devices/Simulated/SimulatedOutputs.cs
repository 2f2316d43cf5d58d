using EdgeGateway.Core.Outputs;

namespace EdgeGateway.Devices.Simulated;

/// <summary>A buzzer that records and announces its pattern changes instead of making sound.</summary>
public sealed class SimulatedBuzzer : IBuzzer
{
    private readonly Lock _lock = new();
    private readonly List<BuzzerPattern> _history = [];

    /// <summary>Raised on every change of pattern.</summary>
    public event Action<BuzzerPattern>? Changed;

    /// <inheritdoc />
    public BuzzerPattern Pattern { get; private set; } = BuzzerPattern.Off;

    /// <summary>Every pattern set so far, in order (changes only).</summary>
    public IReadOnlyList<BuzzerPattern> History
    {
        get
        {
            lock (_lock)
            {
                return [.. _history];
            }
        }
    }

    /// <inheritdoc />
    public void Set(BuzzerPattern pattern)
    {
        lock (_lock)
        {
            if (pattern == Pattern)
            {
                return;
            }

            Pattern = pattern;
            _history.Add(pattern);
        }

        Changed?.Invoke(pattern);
    }
}

/// <summary>A status LED that records and announces its pattern changes.</summary>
public sealed class SimulatedLed : IStatusLed
{
    /// <summary>Raised on every change of pattern.</summary>
    public event Action<LedPattern>? Changed;

    /// <inheritdoc />
    public LedPattern Pattern { get; private set; } = LedPattern.Off;

    /// <inheritdoc />
    public void Set(LedPattern pattern)
    {
        if (pattern == Pattern)
        {
            return;
        }

        Pattern = pattern;
        Changed?.Invoke(pattern);
    }
}
