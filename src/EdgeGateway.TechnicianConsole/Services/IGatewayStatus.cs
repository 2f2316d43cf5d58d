namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>Implemented by the host: the gateway's status.</summary>
public interface IGatewayStatus
{
    /// <summary>Takes a snapshot now.</summary>
    GatewayStatusSnapshot GetStatus();
}
