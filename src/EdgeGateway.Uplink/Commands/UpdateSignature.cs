namespace EdgeGateway.Uplink.Commands;

/// <summary>The signature file's JSON as <c>release sign</c> writes it, carried in the command.</summary>
/// <param name="Manifest">The signed manifest's exact bytes, base64.</param>
/// <param name="KeyId">The signing key's id.</param>
/// <param name="Signature">The Ed25519 signature, base64.</param>
public sealed record UpdateSignature(string Manifest, string KeyId, string Signature);
