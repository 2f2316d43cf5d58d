namespace EdgeGateway.Updates;

/// <summary>What a finished download left: the verified archive and the bytes this download actually received.</summary>
/// <param name="ArchivePath">The archive, named by its SHA-256, its size and hash checked.</param>
/// <param name="DownloadedBytes">Bytes received over the network (a resume counts each byte once; a restart counts again).</param>
internal sealed record DownloadResult(string ArchivePath, long DownloadedBytes);
