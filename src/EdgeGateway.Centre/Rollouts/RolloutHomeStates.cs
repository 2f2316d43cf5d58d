namespace EdgeGateway.Centre.Rollouts;

/// <summary>One home's states in a rollout.</summary>
public static class RolloutHomeStates
{
    /// <summary>Its wave has not reached it yet, or its command could not be delivered and is tried again.</summary>
    public const string Waiting = "waiting";

    /// <summary>The gateway accepted the update; its report (completed or failed) is awaited.</summary>
    public const string Sent = "sent";

    /// <summary>It runs the release and passed its health gate (or already ran it).</summary>
    public const string Passed = "passed";

    /// <summary>It refused, failed or did not report in time; the reason says which.</summary>
    public const string Failed = "failed";

    /// <summary>It had an open alarm when its turn came: an update never competes with a resident's alarm; tried again next tick.</summary>
    public const string Deferred = "deferred";
}
