namespace EdgeGateway.Uplink.Commands;

/// <summary>The gateway's side of the centre's <c>update</c> command: verifies the offer at once and carries the update out in the background.</summary>
public interface IReleaseUpdates
{
    /// <summary>Verifies <paramref name="request"/> (signature, keys, versions) before anything is downloaded and, when it holds, starts or continues the update.</summary>
    UpdateAcceptance Offer(UpdateRequest request);
}

/// <summary>The signature file's JSON as <c>release sign</c> writes it, carried in the command.</summary>
/// <param name="Manifest">The signed manifest's exact bytes, base64.</param>
/// <param name="KeyId">The signing key's id.</param>
/// <param name="Signature">The Ed25519 signature, base64.</param>
public sealed record UpdateSignature(string Manifest, string KeyId, string Signature);

/// <summary>An <c>update</c> command's checked arguments.</summary>
/// <param name="Version">The release to run.</param>
/// <param name="Url">Where the archive is downloaded from (https, or http to a loopback host).</param>
/// <param name="Size">The archive's length in bytes.</param>
/// <param name="Sha256">The archive's SHA-256, lower-case hex.</param>
/// <param name="Signature">The archive's signature.</param>
/// <param name="Rollout">The centre's rollout id, echoed in the update events; null when none.</param>
/// <param name="GateSeconds">How long the new release has to pass its health gate; null for the config's default.</param>
public sealed record UpdateRequest(string Version, Uri Url, long Size, string Sha256, UpdateSignature Signature, string? Rollout, int? GateSeconds);

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

/// <summary>Refuses every update: a gateway not running from an installed release (the demo, a dev run, the loadgen).</summary>
public sealed class NoReleaseUpdates(string reason) : IReleaseUpdates
{
    /// <inheritdoc />
    public UpdateAcceptance Offer(UpdateRequest request) => UpdateAcceptance.Refused(reason);
}
