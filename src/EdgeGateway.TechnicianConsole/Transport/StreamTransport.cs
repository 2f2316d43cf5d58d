namespace EdgeGateway.TechnicianConsole.Transport;

/// <summary>A transport over a pair of streams: stdin/stdout (<c>--console -</c>) or in-memory pipes in tests.</summary>
public sealed class StreamTransport(Stream input, Stream output, string name, bool ownsStreams = false) : IConsoleTransport
{
    /// <inheritdoc />
    public string Name => name;

    /// <summary>The process's standard input and output.</summary>
    public static StreamTransport StandardStreams() =>
        new(System.Console.OpenStandardInput(), System.Console.OpenStandardOutput(), "stdin", ownsStreams: true);

    /// <inheritdoc />
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        input.ReadAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await output.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (ownsStreams)
        {
            await input.DisposeAsync().ConfigureAwait(false);
            await output.DisposeAsync().ConfigureAwait(false);
        }
    }
}
