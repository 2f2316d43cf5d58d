namespace EdgeGateway.Uplink.Commands;

/// <summary>Refuses every update: a gateway not running from an installed release (the demo, a dev run, the loadgen).</summary>
public sealed class NoReleaseUpdates(string reason) : IReleaseUpdates
{
    /// <inheritdoc />
    public UpdateAcceptance Offer(UpdateRequest request) => UpdateAcceptance.Refused(reason);
}
