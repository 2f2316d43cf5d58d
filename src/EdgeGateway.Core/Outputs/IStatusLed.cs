namespace EdgeGateway.Core.Outputs;

/// <summary>The status LED.</summary>
public interface IStatusLed
{
    /// <summary>The pattern now showing.</summary>
    LedPattern Pattern { get; }

    /// <summary>Switches to <paramref name="pattern"/>.</summary>
    void Set(LedPattern pattern);
}
