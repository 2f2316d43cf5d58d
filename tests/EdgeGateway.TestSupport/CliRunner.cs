using System.Diagnostics;

namespace EdgeGateway.TestSupport;

/// <summary>The result of running the <c>edgegateway</c> executable.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Runs the built <c>edgegateway</c> as a real process, with a bounded wait.</summary>
public static class CliRunner
{
    /// <summary>Runs <c>dotnet edgegateway.dll ARGS</c> from the test's output folder and kills it after <paramref name="timeout"/>.</summary>
    public static async Task<CliResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "edgegateway.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("edgegateway.dll is not beside the tests: reference src/EdgeGateway", dll);
        }

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"edgegateway {string.Join(' ', args)} did not exit within {timeout}: {await stdout} {await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
