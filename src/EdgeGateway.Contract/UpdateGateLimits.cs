namespace EdgeGateway.Contract;

/// <summary>The health gate an <c>update</c> command may ask for (its <c>gate_seconds</c>): what a gateway accepts, so a centre never plans what it would refuse.</summary>
public static class UpdateGateLimits
{
    /// <summary>The shortest gate in seconds: a start, the centre reached and one test alarm acknowledged.</summary>
    public const int MinSeconds = 10;

    /// <summary>The longest gate in seconds: a home runs an unproven release no longer than an hour.</summary>
    public const int MaxSeconds = 3600;
}
