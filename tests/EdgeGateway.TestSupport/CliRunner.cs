namespace EdgeGateway.TestSupport;

/// <summary>The result of running the <c>edgegateway</c> executable.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Runs the built <c>edgegateway</c> to its end, with a bounded wait: a <see cref="CliProcess"/> waited for.</summary>
public static class CliRunner
{
    /// <summary>Runs <c>dotnet edgegateway.dll ARGS</c> from the test's output folder and kills it after <paramref name="timeout"/>.</summary>
    public static async Task<CliResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        await using var process = CliProcess.Start(args);
        try
        {
            await process.WaitForExitAsync(timeout);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"edgegateway {string.Join(' ', args)} did not exit within {timeout}: {process.StdOut} {process.StdErr}");
        }

        return new CliResult(process.ExitCode, process.StdOut, process.StdErr);
    }
}
