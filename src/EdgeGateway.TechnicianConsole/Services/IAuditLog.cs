namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>Implemented by the host: the durable audit log.</summary>
public interface IAuditLog
{
    /// <summary>Records one entry durably.</summary>
    void Record(AuditEntry entry);
}
