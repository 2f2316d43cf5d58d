using System.Diagnostics;

namespace EdgeGateway.TestSupport;

/// <summary>
/// A serial cable made of two pseudo-terminals joined by socat: the gateway opens one end, the test's "laptop" the
/// other. Killing socat hangs both ends up, as pulling a USB serial cable does.
/// </summary>
public sealed class PtyPair : IDisposable
{
    private readonly Process _socat;

    private PtyPair(Process socat, string gatewayEnd, string laptopEnd)
    {
        _socat = socat;
        GatewayEnd = gatewayEnd;
        LaptopEnd = laptopEnd;
    }

    /// <summary>The tty path the gateway's console opens.</summary>
    public string GatewayEnd { get; }

    /// <summary>The tty path the technician's side opens.</summary>
    public string LaptopEnd { get; }

    /// <summary>Starts socat with the two ends linked as <c>gateway</c> and <c>laptop</c> in <paramref name="dir"/> (reusing the names replugs the cable).</summary>
    public static async Task<PtyPair> StartAsync(string dir)
    {
        var gateway = Path.Combine(dir, "gateway");
        var laptop = Path.Combine(dir, "laptop");

        // A killed socat leaves its links dangling; a new pty may reuse the number, so stale links must not count.
        File.Delete(gateway);
        File.Delete(laptop);
        var socat = Process.Start(new ProcessStartInfo("socat", ["-d", "-d", $"pty,raw,echo=0,link={gateway}", $"pty,raw,echo=0,link={laptop}"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("socat did not start");
        socat.BeginErrorReadLine();
        socat.BeginOutputReadLine();
        var pair = new PtyPair(socat, gateway, laptop);
        var waited = Stopwatch.StartNew();

        while (!(File.Exists(gateway) && File.Exists(laptop)))
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(5) || socat.HasExited)
            {
                pair.Dispose();
                throw new TimeoutException($"socat did not create the pty pair {gateway} / {laptop} within 5 s");
            }

            await Task.Delay(20);
        }

        return pair;
    }

    /// <summary>Kills socat: both ends hang up at once.</summary>
    public void Hangup()
    {
        if (!_socat.HasExited)
        {
            _socat.Kill();
            _socat.WaitForExit(5000);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Hangup();
        _socat.Dispose();
    }
}
