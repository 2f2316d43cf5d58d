using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using EdgeGateway.Contract;

namespace EdgeGateway.Updates;

/// <summary>
/// Downloads a release archive with resume: into <c>SHA256.part</c>, continuing with <c>Range: bytes=N-</c> after a dropped
/// connection (a 206 appends; a server that answers 200 starts over from 0), retrying network errors with back-off for up
/// to <see cref="GiveUpAfter"/>; then checks size and SHA-256 (libsodium, not the system's OpenSSL) and renames to <c>SHA256.tar.gz</c>.
/// </summary>
internal sealed class ReleaseDownloader(HttpClient http, TimeProvider time)
{
    /// <summary>How long network errors are retried before the download fails (a 4G path may be down for a while).</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A read that gets no byte for this long is a stalled connection: dropped and resumed.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The first retry's delay; doubles (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest pause between attempts.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Called after each failed attempt with the error and the pause before the next one (for the log).</summary>
    public Action<string, TimeSpan>? Retrying { get; init; }

    /// <summary>Downloads <paramref name="url"/> into <paramref name="dir"/>; throws <see cref="UpdateFailedException"/> (stage download or verify) when it cannot.</summary>
    public async Task<DownloadResult> DownloadAsync(Uri url, long size, string sha256, string dir, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dir);
        var final = Path.Combine(dir, sha256 + ".tar.gz");
        if (File.Exists(final) && new FileInfo(final).Length == size && Sha256Of(final) == sha256)
        {
            // An earlier attempt (before a restart) finished it: nothing to fetch again.
            return new DownloadResult(final, 0);
        }

        var part = Path.Combine(dir, sha256 + ".part");
        var backoff = new Backoff(FirstRetryDelay, MaxRetryDelay);
        var started = time.GetTimestamp();
        // Counted as bytes arrive, so a transfer cut off by an exception still counts what it brought.
        var received = new StrongBox<long>();
        while (true)
        {
            var offset = File.Exists(part) ? new FileInfo(part).Length : 0;
            if (offset > size)
            {
                File.Delete(part);
                offset = 0;
            }

            if (offset == size)
            {
                break;
            }

            string? error;
            try
            {
                var before = received.Value;
                var complete = await FetchAsync(url, part, offset, size, received, cancellationToken).ConfigureAwait(false);
                var got = received.Value - before;
                if (complete)
                {
                    continue;
                }

                error = "the connection ended early";
                if (got > 0)
                {
                    // Progress was made: the next failure starts the back-off over.
                    backoff.Reset();
                }
            }
            catch (HttpRequestException ex) when (ex.StatusCode is null)
            {
                error = ex.Message;
            }
            catch (IOException ex)
            {
                error = ex.Message;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = $"no data for {StallTimeout.TotalSeconds:0} s";
            }

            if (time.GetElapsedTime(started) >= GiveUpAfter)
            {
                throw new UpdateFailedException("download", $"{url.Host}: {error}; gave up after {GiveUpAfter.TotalMinutes:0} min ({received.Value} bytes received)");
            }

            var pause = backoff.Next();
            Retrying?.Invoke(error, pause);
            await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
        }

        var hash = Sha256Of(part);
        if (hash != sha256)
        {
            File.Delete(part);
            throw new UpdateFailedException("verify", $"the downloaded archive's SHA-256 is {hash[..16]}…, signed was {sha256[..16]}…: not the signed release (deleted)");
        }

        File.Move(part, final, overwrite: true);
        return new DownloadResult(final, received.Value);
    }

    /// <summary>The SHA-256 of a file, lower-case hex, through libsodium.</summary>
    public static string Sha256Of(string path) => Releases.ReleaseSigning.HashFile(path).Sha256;

    // One request: appends to the part file from offset (206), or starts it over (200), adding what arrives to received.
    // Returns whether the file is complete. A definite answer (404, 403, another length than signed) fails the download.
    private async Task<bool> FetchAsync(Uri url, string part, long offset, long size, StrongBox<long> received, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        long start;
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange is { From: { } from } && from == offset:
                start = offset;
                break;
            case HttpStatusCode.OK:
            case HttpStatusCode.PartialContent:
                // The server ignored the range (or sent another one): start over from the first byte.
                start = 0;
                break;
            case HttpStatusCode.RequestedRangeNotSatisfiable:
                File.Delete(part);
                return false;
            case >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests:
                throw new IOException($"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
            default:
                throw new UpdateFailedException("download", $"{url.Host} answered {(int)response.StatusCode} {response.ReasonPhrase} for the archive");
        }

        // A server whose file has another length than the signed one holds another file: no retry makes it right.
        var total = start == 0 ? response.Content.Headers.ContentLength : response.Content.Headers.ContentRange?.Length;
        if (total is { } length && length != size)
        {
            throw new UpdateFailedException("verify", $"{url.Host} serves {length} bytes, the signed archive has {size}: not the signed release");
        }

        await using var file = new FileStream(part, start == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.None);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[64 * 1024];
        var position = start;
        try
        {
            while (true)
            {
                int read;
                using (var stall = new CancellationTokenSource(StallTimeout, time))
                using (var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token))
                {
                    read = await body.ReadAsync(buffer, either.Token).ConfigureAwait(false);
                }

                if (read == 0)
                {
                    break;
                }

                received.Value += read;
                position += read;
                if (position > size)
                {
                    file.SetLength(0);
                    throw new UpdateFailedException("verify", $"{url.Host} sent more than the signed {size} bytes: not the signed release");
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // What arrived stays on disk for the resume, whatever ended the transfer.
            await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return position == size;
    }
}
