namespace EdgeGateway.TestSupport;

/// <summary>A test logged an Error or Critical entry it did not declare expected (see <see cref="StrictLogs"/>).</summary>
public sealed class UnexpectedErrorLoggedException : Exception
{
    /// <summary>An empty one, for serialisers.</summary>
    public UnexpectedErrorLoggedException()
    {
    }

    /// <summary>With the unexpected entries listed in <paramref name="message"/>.</summary>
    public UnexpectedErrorLoggedException(string message)
        : base(message)
    {
    }

    /// <summary>With the unexpected entries listed in <paramref name="message"/> and what caused it.</summary>
    public UnexpectedErrorLoggedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
