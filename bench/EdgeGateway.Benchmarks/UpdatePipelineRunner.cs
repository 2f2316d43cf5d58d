using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeGateway.Releases;
using EdgeGateway.Updates;

namespace EdgeGateway.Benchmarks;

/// <summary>
/// <c>update-pipeline ARCHIVE [runs]</c>: what one home pays for an update of a real release archive (deploy/release.sh's
/// trimmed linux-arm64 one): the bytes on the wire (headers included) when the 4G link drops half-way and the download
/// resumes, and the gateway's own time to download over loopback, verify the signature and hash, and unpack beside the
/// running release. The same <see cref="ReleaseDownloader"/>, <see cref="ReleaseSigning"/> and <see cref="ReleaseUnpacker"/> the gateway runs.
/// </summary>
internal static class UpdatePipelineRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2 || !File.Exists(args[1]))
        {
            await Console.Error.WriteLineAsync("usage: update-pipeline ARCHIVE [runs]   (ARCHIVE: artifacts/edgegateway-…-linux-arm64.tar.gz from deploy/release.sh)").ConfigureAwait(false);
            return 2;
        }

        var archive = Path.GetFullPath(args[1]);
        var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        var work = Directory.CreateTempSubdirectory("update-pipeline-").FullName;
        try
        {
            var (privatePem, publicPem) = ReleaseSigning.NewKeyPair();
            var sig = Path.Combine(work, "release.sig");
            ReleaseSigning.Write(ReleaseSigning.Sign(archive, ReleaseSigning.ImportPrivateKey(privatePem, "bench key")), sig);
            var key = ReleaseSigning.ImportPublicKey(publicPem, "bench key");
            var size = new FileInfo(archive).Length;
            var sha256 = ReleaseDownloader.Sha256Of(archive);
            var version = ReleaseSigning.Verify(archive, sig, [key]).Manifest!.Version;
            var commandBytes = UpdateCommandBytes(archive, size, sha256, version, File.ReadAllText(sig));
            Console.WriteLine($"archive {Path.GetFileName(archive)}: {size:N0} bytes, version {version}; its update command (with the .sig): {commandBytes:N0} bytes");

            var download = new List<double>();
            var verify = new List<double>();
            var unpack = new List<double>();
            long wire = 0;
            for (var run = 0; run < runs; run++)
            {
                var dir = Directory.CreateDirectory(Path.Combine(work, $"run-{run}")).FullName;
                await using var server = new CuttingServer(archive, cutAt: size / 2);
                using var http = new HttpClient();
                var downloader = new ReleaseDownloader(http, TimeProvider.System) { FirstRetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(50) };

                var clock = Stopwatch.StartNew();
                var result = await downloader.DownloadAsync(new Uri($"http://127.0.0.1:{server.Port}/releases/{Path.GetFileName(archive)}"), size, sha256, Path.Combine(dir, "update"), CancellationToken.None).ConfigureAwait(false);
                download.Add(clock.Elapsed.TotalMilliseconds);
                wire = server.BytesSent;

                clock.Restart();
                var verdict = ReleaseSigning.Verify(result.ArchivePath, sig, [key]);
                verify.Add(clock.Elapsed.TotalMilliseconds);
                if (!verdict.Ok)
                {
                    throw new InvalidOperationException(verdict.Reason);
                }

                clock.Restart();
                ReleaseUnpacker.Unpack(result.ArchivePath, Directory.CreateDirectory(Path.Combine(dir, "releases")).FullName, version);
                unpack.Add(clock.Elapsed.TotalMilliseconds);
                Console.WriteLine($"run {run + 1}: {server.Requests} requests (cut at {size / 2:N0} bytes, resumed), {result.DownloadedBytes:N0} body bytes received, {server.BytesSent:N0} bytes on the wire");
            }

            Console.WriteLine($"bytes per update to the gateway: {wire:N0} (archive {size:N0} + response headers {wire - size:N0}, one resume) + the command's {commandBytes:N0}");
            Console.WriteLine($"download (loopback, one cut): median {Median(download):0} ms; verify (Ed25519 + SHA-256, libsodium): median {Median(verify):0} ms; unpack: median {Median(unpack):0} ms (n={runs})");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>The update command as the centre's RolloutDriver and GatewayCommands write it (envelope, args, the .sig inline), in bytes.</summary>
    private static int UpdateCommandBytes(string archive, long size, string sha256, string version, string signatureJson)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", Guid.CreateVersion7());
            w.WriteString("type", "update");
            w.WriteString("by", "rollout");
            w.WriteString("issued", "2026-12-04T12:00:00.000Z");
            w.WriteString("expires", "2026-12-04T12:05:00.000Z");
            w.WriteStartObject("args");
            w.WriteString("version", version);
            w.WriteString("url", $"https://centre.example.org/releases/{Path.GetFileName(archive)}");
            w.WriteNumber("size", size);
            w.WriteString("sha256", sha256);
            w.WritePropertyName("signature");
            w.WriteRawValue(signatureJson);
            w.WriteString("rollout", $"{version}@20261204T120000Z");
            w.WriteNumber("gate_seconds", 300);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenCount;
    }

    /// <summary>A one-file HTTP/1.1 server on loopback that honours <c>Range: bytes=N-</c>, cuts the first transfer at <c>cutAt</c> (a 4G drop) and counts every byte it sends.</summary>
    private sealed class CuttingServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly byte[] _file;
        private readonly long _cutAt;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;
        private long _sent;
        private int _requests;

        public CuttingServer(string path, long cutAt)
        {
            _file = File.ReadAllBytes(path);
            _cutAt = cutAt;
            _listener.Start();
            _serving = ServeAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public long BytesSent => Interlocked.Read(ref _sent);

        public int Requests => _requests;

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                using (client)
                {
                    await AnswerAsync(client.GetStream()).ConfigureAwait(false);
                }
            }
        }

        private async Task AnswerAsync(NetworkStream stream)
        {
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }

                request.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            var first = Interlocked.Increment(ref _requests) == 1;
            var from = 0L;
            var range = request.ToString().Split("\r\n").FirstOrDefault(l => l.StartsWith("Range: bytes=", StringComparison.OrdinalIgnoreCase));
            if (range is not null)
            {
                from = long.Parse(range["Range: bytes=".Length..].TrimEnd('-'), CultureInfo.InvariantCulture);
            }

            var length = _file.Length - from;
            var head = range is null
                ? $"HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\nContent-Length: {length}\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n"
                : $"HTTP/1.1 206 Partial Content\r\nContent-Type: application/gzip\r\nContent-Length: {length}\r\nContent-Range: bytes {from}-{_file.Length - 1}/{_file.Length}\r\nConnection: close\r\n\r\n";
            var headBytes = Encoding.ASCII.GetBytes(head);
            await stream.WriteAsync(headBytes, _stop.Token).ConfigureAwait(false);
            var end = first ? _cutAt : _file.Length;
            await stream.WriteAsync(_file.AsMemory((int)from, (int)(end - from)), _stop.Token).ConfigureAwait(false);
            Interlocked.Add(ref _sent, headBytes.Length + (end - from));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            _listener.Stop();
            try
            {
                await _serving.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException)
            {
            }

            _stop.Dispose();
        }
    }
}
