namespace EdgeGateway.Centre.Archive;

/// <summary>The states of an alarm at the centre: raised → delivered (stored, acked) → taken (a named nurse) → cleared.</summary>
public static class AlarmStates
{
    /// <summary>Raised and not yet acknowledged to the gateway (the centre's own supervision alarms start here).</summary>
    public const string Raised = "raised";

    /// <summary>The centre has stored the gateway's event (the receipt ack).</summary>
    public const string Delivered = "delivered";

    /// <summary>A named operator has taken it on.</summary>
    public const string Taken = "taken";

    /// <summary>Closed, with a reason.</summary>
    public const string Cleared = "cleared";
}
