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

/// <summary>A temporary install folder (releases/A, current → releases/A), a data folder, a trusted key and signed archives made on the spot.</summary>
internal sealed class UpdateRig : IDisposable
{
    public const string VersionA = "0.38.0+aaaaaaaaaaaa";
    public const string VersionB = "0.39.0+bbbbbbbbbbbb";

    private readonly NSec.Cryptography.Key _key;

    public UpdateRig(bool installed = true)
    {
        Root = Directory.CreateTempSubdirectory("update-rig-").FullName;
        InstallDir = Path.Combine(Root, "opt");
        DataDir = Path.Combine(Root, "data");
        KeysDir = Path.Combine(Root, "keys");
        Directory.CreateDirectory(DataDir);
        Directory.CreateDirectory(KeysDir);
        var (privatePem, publicPem) = ReleaseSigning.NewKeyPair();
        _key = ReleaseSigning.ImportPrivateKey(privatePem, "test key");
        File.WriteAllText(Path.Combine(KeysDir, "municipality.pub"), publicPem);
        Install = new ReleaseInstall(InstallDir);
        if (installed)
        {
            var a = Path.Combine(InstallDir, "releases", VersionA);
            Directory.CreateDirectory(Path.Combine(a, "app"));
            File.WriteAllText(Path.Combine(a, "VERSION"), VersionA + "\n");
            File.WriteAllText(Path.Combine(a, "app", "edgegateway"), "A");
            File.CreateSymbolicLink(Path.Combine(InstallDir, "current"), ReleaseInstall.TargetOf(VersionA));
        }
    }

    public string Root { get; }

    public string InstallDir { get; }

    public string DataDir { get; }

    public string KeysDir { get; }

    public ReleaseInstall Install { get; }

    public FakeUpdateHost Host { get; } = new();

    public UpdateConfig Config => new() { InstallDir = InstallDir, KeysDir = KeysDir, GateSeconds = 300, MaxStarts = 3 };

    public string StatePath => UpdateState.PathIn(DataDir);

    public string? CurrentTarget => Install.CurrentTarget();

    /// <summary>A release archive as deploy/release.sh makes it; <paramref name="extra"/> adds entries (a hostile archive).</summary>
    public string Archive(string version, Action<TarWriter, string>? extra = null, string? name = null)
    {
        var top = "edgegateway-" + version + "-linux-arm64";
        var path = Path.Combine(Root, name ?? version + ".tar.gz");
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, top + "/") { Mode = (UnixFileMode)0b111_101_101 });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, top + "/app/") { Mode = (UnixFileMode)0b111_101_101 });
            AddFile(tar, top + "/VERSION", version + "\n", (UnixFileMode)0b110_100_100);
            AddFile(tar, top + "/BUILDINFO", "sdk=10.0.100\nruntime=10.0.0\nrid=linux-arm64\ntrimmed=true\n", (UnixFileMode)0b110_100_100);
            AddFile(tar, top + "/app/edgegateway", "#!/bin/sh\necho " + version + "\n", (UnixFileMode)0b111_101_101);
            AddFile(tar, top + "/app/edgegateway.dll", new string('x', 200_000) + version, (UnixFileMode)0b110_100_100);
            extra?.Invoke(tar, top);
        }

        return path;
    }

    public static void AddFile(TarWriter tar, string name, string content, UnixFileMode mode) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = mode, DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });

    /// <summary>The archive's signature by the trusted key (or <paramref name="key"/>).</summary>
    public UpdateSignature Sign(string archive, string? minVersion = null, bool rollback = false, NSec.Cryptography.Key? key = null)
    {
        var s = ReleaseSigning.Sign(archive, key ?? _key, minVersion, rollback);
        return new UpdateSignature(s.Manifest, s.KeyId, s.Signature);
    }

    /// <summary>An update command's arguments for <paramref name="archive"/> served at <paramref name="url"/>.</summary>
    public UpdateRequest Request(string version, string archive, Uri url, UpdateSignature? signature = null, string? rollout = "wave-1", int? gateSeconds = null) =>
        new(version, url, new FileInfo(archive).Length, ReleaseDownloader.Sha256Of(archive), signature ?? Sign(archive), rollout, gateSeconds);

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>The running gateway as the updater sees it, with every event posted and every stop asked for recorded.</summary>
internal sealed class FakeUpdateHost : IUpdateHost
{
    private int _stops;

    public volatile bool Connected;

    public volatile int Alarms;

    /// <summary>What a test alarm does; by default the centre never acknowledges (waits until the gate's deadline).</summary>
    public Func<CancellationToken, Task<TestAlarmResult>> TestAlarm { get; set; } = async ct =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }

        return TestAlarmResult.Failed("the centre did not acknowledge in time");
    };

    public ConcurrentQueue<(CareEventKind Kind, string Message, IReadOnlyDictionary<string, string> Data)> Events { get; } = new();

    public int TestAlarms;

    public int Stops => Volatile.Read(ref _stops);

    public bool UplinkConnected => Connected;

    public int ActiveAlarms => Alarms;

    public Task<TestAlarmResult> SendTestAlarmAsync(string by, CancellationToken cancellationToken)
    {
        Assert.Equal(HealthGate.By, by);
        Interlocked.Increment(ref TestAlarms);
        return TestAlarm(cancellationToken);
    }

    public bool PostTechnical(CareEventKind kind, string message, IReadOnlyDictionary<string, string> data)
    {
        Events.Enqueue((kind, message, data));
        return true;
    }

    public void StopProcess() => Interlocked.Increment(ref _stops);
}

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
