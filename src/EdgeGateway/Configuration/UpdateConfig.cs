namespace EdgeGateway.Configuration;

/// <summary>Updates from the centre: where releases are installed, which keys are trusted, and the health gate.</summary>
internal sealed class UpdateConfig
{
    /// <summary>The install folder: holds <c>releases/</c> and the <c>current</c> symlink; without <c>current</c> the gateway refuses updates.</summary>
    public string InstallDir { get; set; } = "/opt/edgegateway";

    /// <summary>The folder of trusted release public keys (<c>*.pub</c>); put there by the technician, never by a release.</summary>
    public string KeysDir { get; set; } = "/etc/edgegateway/release-keys";

    /// <summary>Seconds a new release has to pass its health gate (uplink up, a test alarm acknowledged) before it is rolled back.</summary>
    public int GateSeconds { get; set; } = 300;

    /// <summary>Starts a new release may take without passing its gate before the start guard rolls it back (a crash loop).</summary>
    public int MaxStarts { get; set; } = 3;

    /// <summary>An extra CA (PEM) trusted for the download's HTTPS besides the system's; null for the system's alone.</summary>
    public string? CaFile { get; set; }
}
