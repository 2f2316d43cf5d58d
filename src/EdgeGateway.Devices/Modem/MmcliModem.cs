using System.Globalization;

namespace EdgeGateway.Devices.Modem;

/// <summary>Reads the modem's status once; a read never throws for what the modem or ModemManager does, it names the problem.</summary>
public interface IModemReader
{
    /// <summary>Reads the modem now.</summary>
    Task<ModemReading> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>The modem through ModemManager's command-line client: <c>mmcli -J -L</c>, <c>-m N</c> and <c>-m N --signal-get</c>.</summary>
/// <remarks>
/// Every run is bounded by <see cref="Timeout"/> (mmcli waits for D-Bus, and a wedged ModemManager would hang it) and
/// killed with its children when it overruns. The first modem ModemManager lists is the one read. The LTE values need
/// ModemManager's signal polling, which is off after boot (refresh rate 0, every value "--"); it is switched on once
/// with <c>--signal-setup</c>. A modem without the Signal interface is read without LTE values, not as a fault.
/// </remarks>
public sealed class MmcliModem(TimeProvider time, string command = "mmcli", TimeSpan? timeout = null, TimeSpan? signalRefresh = null) : IModemReader
{
    private bool _signalSetupAsked;

    /// <summary>The limit on one mmcli run.</summary>
    public TimeSpan Timeout { get; } = timeout ?? TimeSpan.FromSeconds(10);

    /// <summary>The signal polling interval asked of ModemManager.</summary>
    public TimeSpan SignalRefresh { get; } = signalRefresh ?? TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public async Task<ModemReading> ReadAsync(CancellationToken cancellationToken)
    {
        var list = await RunAsync(["-J", "-L"], cancellationToken).ConfigureAwait(false);
        if (list.Problem != ModemProblem.None)
        {
            return ModemReading.Failed(list.Problem, list.Detail);
        }

        IReadOnlyList<int> modems;
        try
        {
            modems = MmcliJson.ParseModemList(list.Output);
        }
        catch (FormatException ex)
        {
            return ModemReading.Failed(ModemProblem.MalformedOutput, $"mmcli -L: {ex.Message}");
        }

        if (modems.Count == 0)
        {
            return ModemReading.Failed(ModemProblem.NoModem, "ModemManager lists no modem");
        }

        var index = modems[0].ToString(CultureInfo.InvariantCulture);
        var modem = await RunAsync(["-J", "-m", index], cancellationToken).ConfigureAwait(false);
        if (modem.Problem != ModemProblem.None)
        {
            return ModemReading.Failed(modem.Problem, modem.Detail);
        }

        ModemStatus status;
        try
        {
            status = MmcliJson.ParseModem(modem.Output);
        }
        catch (FormatException ex)
        {
            return ModemReading.Failed(ModemProblem.MalformedOutput, $"mmcli -m {index}: {ex.Message}");
        }

        var signal = await RunAsync(["-J", "-m", index, "--signal-get"], cancellationToken).ConfigureAwait(false);
        if (signal.Problem is ModemProblem.MmcliTimedOut)
        {
            return ModemReading.Failed(signal.Problem, signal.Detail);
        }

        if (signal.Problem == ModemProblem.None)
        {
            try
            {
                status = MmcliJson.WithSignal(status, signal.Output);
            }
            catch (FormatException ex)
            {
                return ModemReading.Failed(ModemProblem.MalformedOutput, $"mmcli -m {index} --signal-get: {ex.Message}");
            }

            if (status.SignalRefresh == TimeSpan.Zero && !_signalSetupAsked)
            {
                _signalSetupAsked = true;
                var seconds = ((int)SignalRefresh.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                await RunAsync(["-m", index, $"--signal-setup={seconds}"], cancellationToken).ConfigureAwait(false);
            }
        }

        return ModemReading.Of(status);
    }

    private async Task<Run> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var line = $"mmcli {string.Join(' ', args)}";
        var run = await BoundedProcess.RunAsync(command, args, Timeout, time, cancellationToken).ConfigureAwait(false);
        if (MmcliRun.Problem(run, command, line, Timeout) is not { } detail)
        {
            return new Run(ModemProblem.None, run.Output, "");
        }

        return new Run(run.Outcome switch
        {
            BoundedProcess.Outcome.Missing => ModemProblem.MmcliMissing,
            BoundedProcess.Outcome.TimedOut => ModemProblem.MmcliTimedOut,
            _ => Classify(run.Error),
        }, "", detail);
    }

    // mmcli's messages for "no such modem" (the modem went between -L and -m) and "no modems at all".
    private static ModemProblem Classify(string stderr) =>
        stderr.Contains("couldn't find modem", StringComparison.OrdinalIgnoreCase) || stderr.Contains("no modems were found", StringComparison.OrdinalIgnoreCase)
            ? ModemProblem.NoModem
            : ModemProblem.MmcliFailed;

    private readonly record struct Run(ModemProblem Problem, string Output, string Detail);
}
