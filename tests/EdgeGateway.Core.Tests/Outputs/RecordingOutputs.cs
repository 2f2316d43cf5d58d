using EdgeGateway.Core.Outputs;

namespace EdgeGateway.Core.Tests;

/// <summary>A buzzer that remembers the last pattern the loop set; the one buzzer fake of these tests.</summary>
internal sealed class RecordingBuzzer : IBuzzer
{
    public BuzzerPattern Pattern { get; private set; }

    public void Set(BuzzerPattern pattern) => Pattern = pattern;
}

/// <summary>An LED that remembers the last pattern the loop set; the one LED fake of these tests.</summary>
internal sealed class RecordingLed : IStatusLed
{
    public LedPattern Pattern { get; private set; }

    public void Set(LedPattern pattern) => Pattern = pattern;
}
