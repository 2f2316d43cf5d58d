using EdgeGateway.Updates;

namespace EdgeGateway.Tests.Updates;

/// <summary>The download against a real loopback HTTP server: resume after a dropped connection, a server ignoring Range, a wrong hash.</summary>
public sealed class ReleaseDownloaderTests : IDisposable
{
    private readonly UpdateRig _rig = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _rig.Dispose();
    }

    private ReleaseDownloader Downloader() => new(_http, TimeProvider.System) { FirstRetryDelay = TimeSpan.FromMilliseconds(10), MaxRetryDelay = TimeSpan.FromMilliseconds(50) };

    private string Dir => Path.Combine(_rig.DataDir, "update");

    [Fact]
    public async Task A_connection_dropped_mid_file_is_resumed_with_a_range_request_and_the_result_hashes_right()
    {
        var archive = _rig.Archive(UpdateRig.VersionB);
        var size = new FileInfo(archive).Length;
        var sha = ReleaseDownloader.Sha256Of(archive);
        using var server = new ReleaseServer(archive) { DropFirst = 1 };

        var result = await Downloader().DownloadAsync(server.Url, size, sha, Dir, CancellationToken.None);

        Assert.Equal(Path.Combine(Dir, sha + ".tar.gz"), result.ArchivePath);
        Assert.Equal(sha, ReleaseDownloader.Sha256Of(result.ArchivePath));
        var ranges = server.Ranges.ToArray();
        Assert.Equal(2, ranges.Length);
        Assert.Equal("", ranges[0]);
        Assert.Equal($"bytes={size / 2}-", ranges[1]);

        // Each byte counted once: half in the dropped response, the rest in the resumed one.
        Assert.Equal(size, result.DownloadedBytes);
        Assert.False(File.Exists(Path.Combine(Dir, sha + ".part")));
    }

    [Fact]
    public async Task A_server_that_ignores_range_restarts_the_file_cleanly()
    {
        var archive = _rig.Archive(UpdateRig.VersionB);
        var size = new FileInfo(archive).Length;
        var sha = ReleaseDownloader.Sha256Of(archive);
        using var server = new ReleaseServer(archive) { DropFirst = 1, IgnoreRange = true };

        var result = await Downloader().DownloadAsync(server.Url, size, sha, Dir, CancellationToken.None);

        Assert.Equal(sha, ReleaseDownloader.Sha256Of(result.ArchivePath));
        Assert.Equal($"bytes={size / 2}-", server.Ranges.ToArray()[1]);

        // The 200 started over: the first half arrived twice.
        Assert.Equal(size + (size / 2), result.DownloadedBytes);
    }

    [Fact]
    public async Task A_file_that_is_not_the_signed_one_fails_verification_and_is_deleted()
    {
        var archive = _rig.Archive(UpdateRig.VersionB);
        var size = new FileInfo(archive).Length;
        using var server = new ReleaseServer(archive);

        var failure = await Assert.ThrowsAsync<UpdateFailedException>(() => Downloader().DownloadAsync(server.Url, size, new string('a', 64), Dir, CancellationToken.None));

        Assert.Equal("verify", failure.Stage);
        Assert.Contains("not the signed release", failure.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Dir));
    }

    [Fact]
    public async Task Network_errors_are_retried_until_the_give_up_time_then_the_download_fails()
    {
        // Port 9 (discard) has no listener on a test machine: every attempt is refused, as on a dead 4G path.
        var closed = new Uri("http://127.0.0.1:9/x.tar.gz");
        var retries = 0;
        var downloader = new ReleaseDownloader(_http, TimeProvider.System)
        {
            FirstRetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(20),
            GiveUpAfter = TimeSpan.FromSeconds(2), // 300 ms saw no retry at all on a loaded CI machine (the first attempt's set-up took it all)
            Retrying = (_, _) => retries++,
        };

        var failure = await Assert.ThrowsAsync<UpdateFailedException>(() => downloader.DownloadAsync(closed, 10, new string('a', 64), Dir, CancellationToken.None));

        Assert.Equal("download", failure.Stage);
        Assert.Contains("gave up after", failure.Message, StringComparison.Ordinal);
        Assert.True(retries >= 2, $"retried {retries} times");
    }
}
