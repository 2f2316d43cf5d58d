namespace EdgeGateway.Centre.Rollouts;

/// <summary>The signed release a rollout carries, as the CLI verified it (the Centre library does not verify signatures itself).</summary>
/// <param name="Version">The release's version, from its signed manifest.</param>
/// <param name="ArchiveFile">The archive's file name in the releases directory.</param>
/// <param name="Size">The archive's size in bytes.</param>
/// <param name="Sha256">The archive's SHA-256, 64 lower-case hex digits.</param>
/// <param name="SignatureJson">The <c>.sig</c> file's content exactly as <c>edgegateway release sign</c> wrote it.</param>
/// <param name="Url">Where the gateways download it: <c>BASE/releases/FILE</c>.</param>
public sealed record RolloutRelease(string Version, string ArchiveFile, long Size, string Sha256, string SignatureJson, string Url);
