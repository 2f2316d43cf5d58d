using System.ComponentModel;
using System.Diagnostics;

namespace EdgeGateway.Devices;

/// <summary>Runs a system tool (mmcli, vcgencmd) with a time limit: an overrun is killed with its children and named, a missing tool is named, never thrown.</summary>
internal static class BoundedProcess
{
    public enum Outcome
    {
        Exited,
        Missing,
        TimedOut,
    }

    public readonly record struct Result(Outcome Outcome, int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(string command, IReadOnlyList<string> args, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new Win32Exception("no process started");
        }
        catch (Win32Exception ex)
        {
            return new Result(Outcome.Missing, -1, "", ex.Message);
        }

        using (process)
        using (var limit = new CancellationTokenSource(timeout, time))
        using (var both = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken))
        {
            var stdout = process.StandardOutput.ReadToEndAsync(both.Token);
            var stderr = process.StandardError.ReadToEndAsync(both.Token);
            try
            {
                await process.WaitForExitAsync(both.Token).ConfigureAwait(false);
                return new Result(Outcome.Exited, process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Kill(process);
                return new Result(Outcome.TimedOut, -1, "", "");
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                throw;
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
