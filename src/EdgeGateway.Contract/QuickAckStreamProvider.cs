using System.Net;
using System.Net.Sockets;
using MQTTnet.Channel;

namespace EdgeGateway.Contract;

/// <summary>
/// Opens our broker connections (gateway and centre) with Nagle off and, on Linux, acknowledges every read at once
/// (TCP_QUICKACK), so a broker that leaves Nagle on (mosquitto's default, <c>set_tcp_nodelay false</c>) never holds its
/// next small packet for our delayed ACK (40 ms): it sends a PUBACK, then the ack or the next event right behind it, and
/// Nagle keeps the second until the first is acknowledged. Linux drops quick-ACK mode again whenever we answer soon after
/// a receive (the socket looks interactive), so the option is set again after each read, which sends the pending ACK.
/// TLS is layered on top by MQTTnet.
/// </summary>
internal sealed class QuickAckStreamProvider : IMqttClientStreamProvider
{
    /// <summary>The one instance; it keeps no state.</summary>
    public static QuickAckStreamProvider Instance { get; } = new();

    /// <inheritdoc />
    public async Task<Stream> ConnectAsync(EndPoint brokerEndPoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(brokerEndPoint);

        // Dual mode: a DnsEndPoint may resolve to IPv4 or IPv6.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(brokerEndPoint, cancellationToken).ConfigureAwait(false);
            return new QuickAckStream(socket);
        }
        catch (SocketException ex)
        {
            socket.Dispose();

            // Typed as MQTTnet's own connection failures are, so the callers' reconnect handling sees no difference.
            throw new MQTTnet.Exceptions.MqttCommunicationException($"cannot connect to {brokerEndPoint}: {ex.Message}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A connected socket's stream that re-arms TCP_QUICKACK after every read (see <see cref="QuickAckStreamProvider"/>).</summary>
internal sealed class QuickAckStream : Stream, IMqttClientStreamEndPoints
{
    // <netinet/tcp.h>; IPPROTO_TCP is 6.
    private const int TcpQuickAck = 12;
    private static readonly byte[] On = BitConverter.GetBytes(1);
    private readonly Socket _socket;
    private readonly NetworkStream _inner;
    private readonly bool _quickAck = OperatingSystem.IsLinux();

    public QuickAckStream(Socket socket)
    {
        _socket = socket;
        _inner = new NetworkStream(socket, ownsSocket: true);
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
    }

    /// <inheritdoc />
    public EndPoint? LocalEndPoint { get; }

    /// <inheritdoc />
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The socket (for tests that look at its TCP state).</summary>
    internal Socket Socket => _socket;

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Acked(_inner.Read(buffer, offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer) => Acked(_inner.Read(buffer));

    /// <inheritdoc />
    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Acked(await _inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Acked(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Acked(int read)
    {
        if (_quickAck && read > 0)
        {
            try
            {
                _socket.SetRawSocketOption((int)SocketOptionLevel.Tcp, TcpQuickAck, On);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The connection is going away; the next read reports it.
            }
        }

        return read;
    }
}
