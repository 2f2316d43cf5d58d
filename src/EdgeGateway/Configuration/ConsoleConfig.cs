using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeGateway.Contract;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Rules;
using EdgeGateway.Devices.Configuration;

namespace EdgeGateway.Configuration;

/// <summary>The technician console.</summary>
internal sealed class ConsoleConfig
{
    /// <summary>PBKDF2 hash of the technician PIN (make one with <c>edgegateway pin-hash</c>); never the PIN itself.</summary>
    public string? PinHash { get; set; }

    /// <summary>Minutes of silence before a console session is logged out.</summary>
    public int IdleLogoutMinutes { get; set; } = 10;
}
