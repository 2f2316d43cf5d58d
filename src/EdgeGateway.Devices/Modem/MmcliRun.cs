using System.Globalization;

namespace EdgeGateway.Devices.Modem;

/// <summary>How a bounded <c>mmcli</c> run is named when it fails, the same for reading the modem and for sending an SMS.</summary>
internal static class MmcliRun
{
    /// <summary>
    /// One line naming what went wrong with <paramref name="run"/> of <paramref name="command"/> (<paramref name="line"/> says
    /// which call, <paramref name="bound"/> its limit), or null when it exited 0.
    /// </summary>
    public static string? Problem(BoundedProcess.Result run, string command, string line, TimeSpan bound) => run.Outcome switch
    {
        BoundedProcess.Outcome.Missing => $"{command} cannot be started: {run.Error}",
        BoundedProcess.Outcome.TimedOut => $"{line}: no answer within {bound.TotalSeconds:0} s",
        _ when run.ExitCode == 0 => null,
        _ => $"{line}: {FirstLine(run.Error, $"exit code {run.ExitCode.ToString(CultureInfo.InvariantCulture)}")}",
    };

    /// <summary>The first non-empty line of what mmcli printed (its error line, on stderr), cut at 200 characters; <paramref name="otherwise"/> when it printed nothing.</summary>
    public static string FirstLine(string text, string otherwise)
    {
        var first = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return first is null ? otherwise : first.Length > 200 ? first[..200] : first;
    }
}
