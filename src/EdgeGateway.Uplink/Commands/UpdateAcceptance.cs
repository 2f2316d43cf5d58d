namespace EdgeGateway.Uplink.Commands;

/// <summary>The answer to an <c>update</c> offer.</summary>
/// <param name="State">Accepted, current or refused.</param>
/// <param name="Reason">Why it was refused; null otherwise.</param>
public sealed record UpdateAcceptance(UpdateAcceptanceState State, string? Reason = null)
{
    /// <summary>Verified and under way.</summary>
    public static UpdateAcceptance Accepted { get; } = new(UpdateAcceptanceState.Accepted);

    /// <summary>The version already runs.</summary>
    public static UpdateAcceptance Current { get; } = new(UpdateAcceptanceState.Current);

    /// <summary>Refused with <paramref name="reason"/>.</summary>
    public static UpdateAcceptance Refused(string reason) => new(UpdateAcceptanceState.Refused, reason);
}
