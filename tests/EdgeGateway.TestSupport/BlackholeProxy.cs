using System.Net;
using System.Net.Sockets;

namespace EdgeGateway.TestSupport;

/// <summary>
/// A loopback TCP proxy that can cut the network the nasty way: <see cref="Blackhole"/> stops forwarding bytes on live
/// connections without closing them (half-open, as a dead mobile link looks) and leaves new connections hanging.
/// </summary>
public sealed class BlackholeProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _sockets = [];
    private readonly Lock _gate = new();
    private readonly Task _accept;
    private volatile bool _blackholed;

    private BlackholeProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accept = AcceptLoopAsync();
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The proxy as a broker URL.</summary>
    public string Url => $"mqtt://127.0.0.1:{Port}";

    /// <summary>Connections accepted so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>Starts a proxy in front of 127.0.0.1:<paramref name="targetPort"/>.</summary>
    public static BlackholeProxy Start(int targetPort) => new(targetPort);

    /// <summary>Stops forwarding bytes on every connection, old and new, without closing any.</summary>
    public void Blackhole() => _blackholed = true;

    /// <summary>Forwards bytes again (connections that were held open resume, if their peers still want them).</summary>
    public void Restore() => _blackholed = false;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_gate)
        {
            foreach (var s in _sockets)
            {
                s.Dispose();
            }
        }

        try
        {
            await _accept;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Accepted++;
            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            }
            catch (SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }

            lock (_gate)
            {
                _sockets.Add(client);
                _sockets.Add(upstream);
            }

            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var input = from.GetStream();
            var output = to.GetStream();
            while (!_stop.IsCancellationRequested)
            {
                while (_blackholed)
                {
                    // Hold the bytes: neither forward them nor close anything.
                    await Task.Delay(20, _stop.Token);
                }

                var n = await input.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    break;
                }

                while (_blackholed)
                {
                    await Task.Delay(20, _stop.Token);
                }

                await output.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        from.Dispose();
        to.Dispose();
    }
}
