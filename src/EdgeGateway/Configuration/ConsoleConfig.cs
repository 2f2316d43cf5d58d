namespace EdgeGateway.Configuration;

/// <summary>The technician console.</summary>
internal sealed class ConsoleConfig
{
    /// <summary>PBKDF2 hash of the technician PIN (make one with <c>edgegateway pin-hash</c>); never the PIN itself.</summary>
    public string? PinHash { get; set; }

    /// <summary>Minutes of silence before a console session is logged out.</summary>
    public int IdleLogoutMinutes { get; set; } = 10;
}
