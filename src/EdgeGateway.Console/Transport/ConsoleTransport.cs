using System.IO.Ports;

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

/// <summary>A transport over a tty: the Pi's UART (/dev/ttyS0), USB gadget serial (/dev/ttyGS0) or a pseudo-terminal.</summary>
public sealed class SerialPortTransport : IConsoleTransport
{
    private readonly SerialPort _port;
    private readonly Stream _stream;

    /// <summary>Opens <paramref name="path"/> at <paramref name="baudRate"/> 8N1 without flow control; throws with the path when it cannot.</summary>
    public SerialPortTransport(string path, int baudRate = 115200)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _port = new SerialPort(path, baudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            ReadTimeout = SerialPort.InfiniteTimeout,
            WriteTimeout = 5000,
        };
        try
        {
            _port.Open();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            _port.Dispose();
            throw new IOException($"cannot open console tty {path}: {ex.Message}", ex);
        }

        _stream = _port.BaseStream;
        Name = path;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _stream.ReadAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        try
        {
            _port.Dispose();
        }
        catch (IOException)
        {
            // The far end is already gone (a pulled cable); there is nothing left to close cleanly.
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Opens the transport named by <c>--console</c>.</summary>
public static class ConsoleTransports
{
    /// <summary>"-" is stdin/stdout; anything else is a tty path.</summary>
    public static IConsoleTransport Open(string consoleArgument, int baudRate = 115200)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(consoleArgument);
        return consoleArgument == "-" ? StreamTransport.StandardStreams() : new SerialPortTransport(consoleArgument, baudRate);
    }
}
