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
