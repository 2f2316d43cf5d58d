namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>Implemented by the host: sends the commissioning record to the centre (an <c>info.commissioned</c> event).</summary>
public interface ICommissioningRecord
{
    /// <summary>Queues <paramref name="report"/> as one event through the outbox; completes with the event's id.</summary>
    Task<Guid> SendAsync(CommissioningReport report, CancellationToken cancellationToken);
}
