using System.Collections.Concurrent;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeGateway.Configuration;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Releases;
using EdgeGateway.Updates;
using EdgeGateway.Uplink.Commands;

namespace EdgeGateway.Tests.Updates;

/// <summary>A real HTTP server on a loopback port serving one file, which can drop the connection mid-file or ignore Range.</summary>
internal sealed class ReleaseServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _body;
    private readonly Task _serving;
    private int _requests;

    public ReleaseServer(string file)
    {
        _body = File.ReadAllBytes(file);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = new Uri($"http://127.0.0.1:{port}/releases/{Path.GetFileName(file)}");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    /// <summary>Requests whose connection is dropped after half of what they asked for (the first N requests).</summary>
    public int DropFirst { get; set; }

    /// <summary>Answer every request 200 with the whole file, whatever its Range says.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Each request's Range header ("" when none), in order.</summary>
    public ConcurrentQueue<string> Ranges { get; } = new();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var n = Interlocked.Increment(ref _requests);
            var range = context.Request.Headers["Range"] ?? "";
            Ranges.Enqueue(range);
            var response = context.Response;
            long from = 0;
            if (!IgnoreRange && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
            {
                from = long.Parse(range[6..^1], System.Globalization.CultureInfo.InvariantCulture);
                response.StatusCode = 206;
                response.AddHeader("Content-Range", $"bytes {from}-{_body.Length - 1}/{_body.Length}");
            }

            var length = _body.Length - from;
            response.ContentLength64 = length;
            try
            {
                if (n <= DropFirst)
                {
                    await response.OutputStream.WriteAsync(_body.AsMemory((int)from, (int)(length / 2)));
                    await response.OutputStream.FlushAsync();
                    response.Abort();
                    continue;
                }

                await response.OutputStream.WriteAsync(_body.AsMemory((int)from, (int)length));
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away; the next request is what counts.
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}
