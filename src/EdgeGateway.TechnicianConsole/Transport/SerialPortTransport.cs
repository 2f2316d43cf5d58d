using System.IO.Ports;

namespace EdgeGateway.TechnicianConsole.Transport;

/// <summary>A transport over a tty: the Pi's UART (/dev/ttyS0), USB gadget serial (/dev/ttyGS0) or a pseudo-terminal.</summary>
/// <remarks>
/// System.IO.Ports on Unix serves all I/O from one loop that ends for good when the tty hangs up (a pulled USB cable,
/// socat gone): it fails the pending read with "port is closed", later requests never complete, and
/// <c>Flush</c> (also inside <c>SerialPort.Dispose</c>) spins while such a request is queued. So a failed read
/// marks the line gone, every write is bounded by that and by a time budget, and nothing here ever flushes.
/// </remarks>
public sealed class SerialPortTransport : IConsoleTransport
{
    private readonly SerialPort _port;
    private readonly Stream _stream;
    private readonly int _baudRate;
    private readonly TimeSpan _minimumWriteBudget;

    // Never disposed: it owns no timer or wait handle, and readers may still cancel it while the transport closes.
    private readonly CancellationTokenSource _gone = new();

    /// <summary>
    /// Opens <paramref name="path"/> at <paramref name="baudRate"/> 8N1 without flow control; throws with the path when it cannot.
    /// A write not taken within twice its time on the wire, and at least <paramref name="minimumWriteBudget"/> (10 s), ends the line.
    /// </summary>
    public SerialPortTransport(string path, int baudRate = 115200, TimeSpan? minimumWriteBudget = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baudRate);
        _port = new SerialPort(path, baudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            ReadTimeout = SerialPort.InfiniteTimeout,
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
        _baudRate = baudRate;
        _minimumWriteBudget = minimumWriteBudget ?? TimeSpan.FromSeconds(10);
        Name = path;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>True once the line hung up, a write was not taken in time, or the transport was closed.</summary>
    public bool IsGone => _gone.IsCancellationRequested;

    /// <inheritdoc />
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (IsGone)
        {
            return 0;
        }

        try
        {
            return await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // A hangup: report end of input, like a closed stream, and fail any write still waiting.
            MarkGone();
            return 0;
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (IsGone)
        {
            throw Gone();
        }

        var budget = WriteBudget(data.Length);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _gone.Token);
        bounded.CancelAfter(budget);
        try
        {
            await _stream.WriteAsync(data, bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (IsGone)
            {
                throw Gone();
            }

            // Nobody is reading the other end (a USB host with no terminal open): give the line up rather than block forever.
            MarkGone();
            throw new IOException($"console tty {Name}: {data.Length} bytes not taken within {budget.TotalSeconds:0} s; the terminal is not reading");
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            MarkGone();
            throw Gone(ex);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        MarkGone();
        try
        {
            // Closing the stream first completes every queued request and leaves SerialPort nothing to flush.
            _stream.Dispose();
            _port.Dispose();
        }
        catch (IOException)
        {
            // The far end is already gone (a pulled cable); there is nothing left to close cleanly.
        }

        return ValueTask.CompletedTask;
    }

    // 10 bits a byte on the wire (8N1); twice that leaves room for a slow terminal.
    private TimeSpan WriteBudget(int bytes) =>
        TimeSpan.FromSeconds(Math.Max(_minimumWriteBudget.TotalSeconds, 2.0 * bytes * 10 / _baudRate));

    private void MarkGone() => _gone.Cancel();

    private IOException Gone(Exception? inner = null) => new($"console tty {Name} hung up", inner);
}
