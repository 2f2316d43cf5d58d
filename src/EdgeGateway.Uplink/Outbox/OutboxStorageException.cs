namespace EdgeGateway.Uplink.Outbox;

/// <summary>The outbox could not write to its data directory (disk full, read-only, I/O error); the event was not accepted.</summary>
public sealed class OutboxStorageException : IOException
{
    /// <summary>Creates the exception.</summary>
    public OutboxStorageException()
    {
    }

    /// <summary>Creates the exception with a message naming the path and the problem.</summary>
    public OutboxStorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public OutboxStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
