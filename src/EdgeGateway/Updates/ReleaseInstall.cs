using System.Runtime.InteropServices;
using System.Text;
using EdgeGateway.Configuration;

namespace EdgeGateway.Updates;

/// <summary>
/// The install folder's layout: <c>releases/VERSION/</c> per release and the <c>current</c> symlink (relative,
/// <c>releases/VERSION</c>) that systemd's unit starts through; switching is a new link renamed over the old one.
/// </summary>
internal sealed class ReleaseInstall(string installDir)
{
    /// <summary>The install folder.</summary>
    public string Root { get; } = installDir;

    /// <summary>The <c>current</c> link.</summary>
    public string Current => Path.Combine(Root, "current");

    /// <summary>The folder that holds every release.</summary>
    public string Releases => Path.Combine(Root, "releases");

    /// <summary>True when the gateway runs from an installed release (<c>current</c> exists); the demo and a dev run do not.</summary>
    public bool IsInstalled => File.Exists(Current) || Directory.Exists(Current);

    /// <summary>The <c>VERSION</c> of the release <c>current</c> points at; null when there is none.</summary>
    public string? CurrentVersion()
    {
        try
        {
            var path = Path.Combine(Current, "VERSION");
            return File.Exists(path) ? File.ReadAllText(path).Trim() is { Length: > 0 } v ? v : null : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Where <c>current</c> points, as written in the link (<c>releases/0.38.0+abc</c>); null when it is not a link.</summary>
    public string? CurrentTarget() => new FileInfo(Current).LinkTarget;

    /// <summary>The link target of release <paramref name="version"/>, relative so the install folder can be moved.</summary>
    public static string TargetOf(string version) => "releases/" + version;

    /// <summary>Points <c>current</c> at <paramref name="target"/> atomically: a new link <c>current.new</c> renamed over <c>current</c>.</summary>
    /// <exception cref="IOException">The link could not be made or renamed; <c>current</c> is unchanged.</exception>
    public void Switch(string target)
    {
        var next = Path.Combine(Root, "current.new");
        if (new FileInfo(next).LinkTarget is not null || File.Exists(next))
        {
            File.Delete(next);
        }

        File.CreateSymbolicLink(next, target);
        if (NativeMethods.rename(Bytes(next), Bytes(Current)) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            File.Delete(next);
            throw new IOException($"cannot switch {Current} to {target}: rename failed (errno {error})");
        }

        AtomicFile.SyncDirectory(Current);
    }

    /// <summary>Deletes every release but <paramref name="keep"/> (link targets or folder names), and staging left by an interrupted unpack.</summary>
    public IReadOnlyList<string> Prune(params string?[] keep)
    {
        var names = keep.Where(k => !string.IsNullOrEmpty(k)).Select(k => Path.GetFileName(k!.TrimEnd('/'))).ToHashSet(StringComparer.Ordinal);
        var deleted = new List<string>();
        if (!Directory.Exists(Releases))
        {
            return deleted;
        }

        foreach (var dir in Directory.GetDirectories(Releases))
        {
            var name = Path.GetFileName(dir);
            if (!names.Contains(name))
            {
                Directory.Delete(dir, recursive: true);
                deleted.Add(name);
            }
        }

        return deleted;
    }

    private static byte[] Bytes(string path) => Encoding.UTF8.GetBytes(path + "\0");
}
