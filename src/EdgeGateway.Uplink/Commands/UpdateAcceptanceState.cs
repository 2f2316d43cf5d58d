namespace EdgeGateway.Uplink.Commands;

/// <summary>What became of an <c>update</c> offer.</summary>
public enum UpdateAcceptanceState
{
    /// <summary>Verified; the download and switch go on in the background (also for a retry of the update under way).</summary>
    Accepted,

    /// <summary>That version already runs; nothing to do.</summary>
    Current,

    /// <summary>Refused: <see cref="UpdateAcceptance.Reason"/> says why; nothing changed.</summary>
    Refused,
}
