namespace EdgeGateway.Core.Outputs;

/// <summary>The local buzzer. Implementations must go silent (the safe state) on start and on dispose.</summary>
public interface IBuzzer
{
    /// <summary>The pattern now sounding.</summary>
    BuzzerPattern Pattern { get; }

    /// <summary>Switches to <paramref name="pattern"/>; setting the current pattern again changes nothing.</summary>
    void Set(BuzzerPattern pattern);
}
