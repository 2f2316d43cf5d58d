namespace EdgeGateway.Centre.Rollouts;

/// <summary>A signed archive in the releases directory, offered for a rollout.</summary>
/// <param name="File">Its file name (its <c>.sig</c> beside it).</param>
/// <param name="Version">The version its signed manifest names; null when the signature cannot be read.</param>
/// <param name="Size">The archive's size in bytes.</param>
/// <param name="KeyId">The id of the key that signed it; null when the signature cannot be read.</param>
/// <param name="Ok">Whether it verifies against a key the gateways trust.</param>
/// <param name="Reason">The verdict: which key verified it, or why it is refused.</param>
public sealed record ReleaseOffer(string File, string? Version, long Size, string? KeyId, bool Ok, string Reason);
