namespace EdgeGateway.Uplink.Commands;

/// <summary>The gateway's side of the centre's <c>update</c> command: verifies the offer at once and carries the update out in the background.</summary>
public interface IReleaseUpdates
{
    /// <summary>Verifies <paramref name="request"/> (signature, keys, versions) before anything is downloaded and, when it holds, starts or continues the update.</summary>
    UpdateAcceptance Offer(UpdateRequest request);
}
