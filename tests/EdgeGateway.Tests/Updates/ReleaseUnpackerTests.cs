using System.Formats.Tar;
using EdgeGateway.Updates;

namespace EdgeGateway.Tests.Updates;

/// <summary>Unpacking a release made by the test: the top folder stripped, modes kept, escaping entries refused.</summary>
public sealed class ReleaseUnpackerTests : IDisposable
{
    private readonly UpdateRig _rig = new();

    public void Dispose() => _rig.Dispose();

    private string Releases => Path.Combine(_rig.InstallDir, "releases");

    [Fact]
    public void A_release_is_unpacked_without_its_top_folder_and_keeps_its_modes()
    {
        var folder = ReleaseUnpacker.Unpack(_rig.Archive(UpdateRig.VersionB), Releases, UpdateRig.VersionB);

        Assert.Equal(Path.Combine(Releases, UpdateRig.VersionB), folder);
        Assert.Equal(UpdateRig.VersionB, File.ReadAllText(Path.Combine(folder, "VERSION")).Trim());
        var mode = File.GetUnixFileMode(Path.Combine(folder, "app", "edgegateway"));
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"app/edgegateway lost its execute bit: {mode}");
        Assert.False(File.GetUnixFileMode(Path.Combine(folder, "VERSION")).HasFlag(UnixFileMode.UserExecute));
        Assert.DoesNotContain(Directory.GetDirectories(Releases), d => Path.GetFileName(d).StartsWith(".staging", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("dotdot")]
    [InlineData("absolute")]
    [InlineData("link-out")]
    public void An_entry_escaping_the_release_folder_is_refused_and_nothing_is_installed(string how)
    {
        var archive = _rig.Archive(UpdateRig.VersionB, (tar, top) =>
        {
            switch (how)
            {
                case "dotdot":
                    UpdateRig.AddFile(tar, top + "/../evil", "owned", (UnixFileMode)0b111_101_101);
                    break;
                case "absolute":
                    UpdateRig.AddFile(tar, "/tmp/evil", "owned", (UnixFileMode)0b111_101_101);
                    break;
                default:
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, top + "/app/passwd") { LinkName = "../../../../etc/passwd" });
                    break;
            }
        });

        var failure = Assert.Throws<UpdateFailedException>(() => ReleaseUnpacker.Unpack(archive, Releases, UpdateRig.VersionB));

        Assert.Equal("unpack", failure.Stage);
        Assert.Contains("refused, nothing installed", failure.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Releases, UpdateRig.VersionB)));
        Assert.False(File.Exists(Path.Combine(Releases, "evil")));
        Assert.DoesNotContain(Directory.GetDirectories(Releases), d => Path.GetFileName(d).StartsWith(".staging", StringComparison.Ordinal));
    }

    [Fact]
    public void An_archive_whose_version_is_not_the_update_is_refused()
    {
        var failure = Assert.Throws<UpdateFailedException>(() => ReleaseUnpacker.Unpack(_rig.Archive(UpdateRig.VersionB), Releases, "0.40.0+cccccccccccc"));

        Assert.Contains($"the archive's VERSION is {UpdateRig.VersionB}", failure.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Releases, "0.40.0+cccccccccccc")));
    }
}
