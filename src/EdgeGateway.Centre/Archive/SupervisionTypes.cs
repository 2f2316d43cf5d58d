namespace EdgeGateway.Centre.Archive;

/// <summary>The centre's own alarm types (supervision); gateway alarms carry their CloudEvents type.</summary>
public static class SupervisionTypes
{
    /// <summary>The last will said offline and the gateway did not come back within the grace.</summary>
    public const string Offline = "supervision.gateway-offline";

    /// <summary>Heartbeats stopped without a will.</summary>
    public const string Silent = "supervision.gateway-silent";

    /// <summary>Events of one boot are missing (a gap in <c>sequence</c>).</summary>
    public const string SequenceGap = "supervision.sequence-gap";

    /// <summary>The daily test transmission did not arrive by its deadline.</summary>
    public const string DailyTestMissing = "supervision.daily-test-missing";

    /// <summary>A release rollout halted: a home could not update (or too many), and no further home gets it until a technician looks.</summary>
    public const string RolloutHalted = "supervision.rollout-halted";
}
