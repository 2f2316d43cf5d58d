using System.Formats.Tar;
using System.IO.Compression;
using EdgeGateway.Releases;

namespace EdgeGateway.Tests.Updates;

/// <summary>
/// A release built by the test: the layout deploy/release.sh makes (VERSION, app/edgegateway, update-guard.sh) around the
/// gateway the tests run, packed as tar.gz and signed with the test's key. Its app is a launcher for the tests' own build,
/// optionally with extra arguments: a release whose alarm path is broken is one whose gateway never reaches the centre.
/// </summary>
internal static class TestRelease
{
    /// <summary>Writes the release folder for <paramref name="version"/> into <paramref name="dir"/>; <paramref name="extraArgs"/> are appended to every start; one that <paramref name="crashes"/> exits at once, every time.</summary>
    public static string Folder(string dir, string version, string extraArgs = "", bool crashes = false)
    {
        var folder = Path.Combine(dir, $"edgegateway-{version}-test");
        Directory.CreateDirectory(Path.Combine(folder, "app"));
        File.WriteAllText(Path.Combine(folder, "VERSION"), version + "\n");
        File.WriteAllText(Path.Combine(folder, "BUILDINFO"), $"sdk=test\nruntime={Environment.Version}\nrid=linux-x64\ntrimmed=false\n");
        var dll = Path.Combine(AppContext.BaseDirectory, "edgegateway.dll");
        var app = Path.Combine(folder, "app", "edgegateway");
        File.WriteAllText(app, crashes ? "#!/bin/sh\necho 'Unhandled exception: this release cannot start' >&2\nexit 134\n" : $"#!/bin/sh\nexec dotnet '{dll}' \"$@\" {extraArgs}\n");
        File.SetUnixFileMode(app, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        File.Copy(Path.Combine(TestSupport.RepoRoot.Path, "deploy", "update-guard.sh"), Path.Combine(folder, "update-guard.sh"));
        return folder;
    }

    /// <summary>Packs <paramref name="folder"/> as <c>NAME.tar.gz</c> in <paramref name="outDir"/> (one top folder, modes kept) and signs it; returns the archive's path.</summary>
    public static string Pack(string folder, string outDir, string privateKeyPem)
    {
        Directory.CreateDirectory(outDir);
        var archive = Path.Combine(outDir, Path.GetFileName(folder) + ".tar.gz");
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
        {
            TarFile.CreateFromDirectory(folder, gzip, includeBaseDirectory: true);
        }

        ReleaseSigning.Write(ReleaseSigning.Sign(archive, ReleaseSigning.ImportPrivateKey(privateKeyPem, "the test's key")), archive + ".sig");
        return archive;
    }
}
