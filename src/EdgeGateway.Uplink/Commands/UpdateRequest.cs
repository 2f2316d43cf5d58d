namespace EdgeGateway.Uplink.Commands;

/// <summary>An <c>update</c> command's checked arguments.</summary>
/// <param name="Version">The release to run.</param>
/// <param name="Url">Where the archive is downloaded from (https, or http to a loopback host).</param>
/// <param name="Size">The archive's length in bytes.</param>
/// <param name="Sha256">The archive's SHA-256, lower-case hex.</param>
/// <param name="Signature">The archive's signature.</param>
/// <param name="Rollout">The centre's rollout id, echoed in the update events; null when none.</param>
/// <param name="GateSeconds">How long the new release has to pass its health gate; null for the config's default.</param>
public sealed record UpdateRequest(string Version, Uri Url, long Size, string Sha256, UpdateSignature Signature, string? Rollout, int? GateSeconds);
