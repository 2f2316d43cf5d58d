namespace EdgeGateway.TechnicianConsole.Transport;

/// <summary>A byte pipe to the technician's terminal.</summary>
public interface IConsoleTransport : IAsyncDisposable
{
    /// <summary>Reads at least one byte; 0 when the terminal is gone.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Writes and flushes.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>A name for logs and the audit log, e.g. "/dev/ttyS0".</summary>
    string Name { get; }
}
