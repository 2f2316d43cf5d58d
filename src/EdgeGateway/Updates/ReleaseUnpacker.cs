using System.Formats.Tar;
using System.IO.Compression;

namespace EdgeGateway.Updates;

/// <summary>
/// Unpacks a verified release archive into <c>releases/VERSION</c>: through a <c>.staging-*</c> folder renamed into place,
/// the archive's single top folder stripped, unix modes kept (app/edgegateway stays executable), and any entry that
/// would land outside the folder (<c>..</c>, an absolute name, a link pointing out, a hard link or device) refused.
/// </summary>
internal static class ReleaseUnpacker
{
    /// <summary>Unpacks <paramref name="archive"/> into <paramref name="releasesDir"/>/<paramref name="version"/>; throws <see cref="UpdateFailedException"/> (stage unpack).</summary>
    /// <returns>The release's folder.</returns>
    public static string Unpack(string archive, string releasesDir, string version)
    {
        Directory.CreateDirectory(releasesDir);
        var staging = Path.Combine(releasesDir, ".staging-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(staging);
        try
        {
            Extract(archive, staging);
            var versionFile = Path.Combine(staging, "VERSION");
            var found = File.Exists(versionFile) ? File.ReadAllText(versionFile).Trim() : null;
            if (found != version)
            {
                throw new UpdateFailedException("unpack", found is null ? "the archive has no VERSION file: not a release" : $"the archive's VERSION is {found}, the update was for {version}");
            }

            if (!File.Exists(Path.Combine(staging, "app", "edgegateway")))
            {
                throw new UpdateFailedException("unpack", "the archive has no app/edgegateway: not a release");
            }

            var target = Path.Combine(releasesDir, version);
            if (Directory.Exists(target))
            {
                // A folder left by an earlier try of the same version (never the running one: that is answered "current").
                Directory.Delete(target, recursive: true);
            }

            Directory.Move(staging, target);
            return target;
        }
        catch (Exception ex) when (ex is not UpdateFailedException)
        {
            TryDelete(staging);
            throw new UpdateFailedException("unpack", $"cannot unpack the archive: {ex.Message}", ex);
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
    }

    private static void Extract(string archive, string staging)
    {
        var root = Path.GetFullPath(staging) + Path.DirectorySeparatorChar;
        string? top = null;
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
            {
                continue;
            }

            var name = entry.Name.Replace('\\', '/');
            if (name.StartsWith('/'))
            {
                throw Refused(entry.Name, "an absolute name");
            }

            var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
            if (segments.Contains(".."))
            {
                throw Refused(entry.Name, "a name with ..");
            }

            if (segments.Length == 0)
            {
                continue;
            }

            top ??= segments[0];
            if (segments[0] != top)
            {
                throw new UpdateFailedException("unpack", $"the archive has more than one top folder ({top}, {segments[0]}): not a release from deploy/release.sh");
            }

            if (segments.Length == 1)
            {
                if (entry.EntryType is TarEntryType.Directory)
                {
                    continue;
                }

                throw Refused(entry.Name, "a file beside the release's top folder");
            }

            var relative = string.Join('/', segments.Skip(1));
            var path = Path.GetFullPath(Path.Combine(staging, relative));
            if (!path.StartsWith(root, StringComparison.Ordinal))
            {
                throw Refused(entry.Name, "a path outside the release folder");
            }

            var mode = (UnixFileMode)((int)entry.Mode & 0x1FF);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(path);
                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(path, mode | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                    }

                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                    {
                        entry.DataStream?.CopyTo(output);
                    }

                    // The archive's mode is what the release needs (app/edgegateway executable), whatever the umask.
                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(path, mode);
                    }

                    break;
                case TarEntryType.SymbolicLink:
                    var link = entry.LinkName.Replace('\\', '/');
                    var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, link));
                    if (link.StartsWith('/') || !(resolved + Path.DirectorySeparatorChar).StartsWith(root, StringComparison.Ordinal))
                    {
                        throw Refused(entry.Name, $"a link pointing out of the release folder ({link})");
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.CreateSymbolicLink(path, link);
                    break;
                default:
                    throw Refused(entry.Name, $"an entry of type {entry.EntryType}, which a release never holds");
            }
        }

        if (top is null)
        {
            throw new UpdateFailedException("unpack", "the archive is empty");
        }
    }

    private static UpdateFailedException Refused(string name, string what) =>
        new("unpack", $"the archive holds {what} ({(name.Length > 80 ? name[..80] + "…" : name)}): refused, nothing installed");

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Staging is swept by the next prune; the refusal matters more than the leftovers.
        }
    }
}
