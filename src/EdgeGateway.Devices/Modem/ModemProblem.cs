namespace EdgeGateway.Devices.Modem;

/// <summary>Why the secondary path cannot be trusted: the modem could not be read, or it reads but cannot carry an alarm.</summary>
public enum ModemProblem
{
    /// <summary>Healthy: a SIM, unlocked, registered, signal at or above the threshold.</summary>
    None,

    /// <summary>No <c>mmcli</c> on the PATH (ModemManager not installed).</summary>
    MmcliMissing,

    /// <summary><c>mmcli</c> exited with an error (ModemManager not running, the modem went away mid-call).</summary>
    MmcliFailed,

    /// <summary><c>mmcli</c> did not answer within its time limit.</summary>
    MmcliTimedOut,

    /// <summary><c>mmcli</c> printed something that is not the JSON ModemManager writes.</summary>
    MalformedOutput,

    /// <summary>ModemManager sees no modem (unplugged, not powered, no driver).</summary>
    NoModem,

    /// <summary>The modem is in state failed for a reason other than a missing SIM.</summary>
    ModemFailed,

    /// <summary>No SIM in the modem.</summary>
    SimMissing,

    /// <summary>The SIM waits for its PIN or PUK.</summary>
    SimLocked,

    /// <summary>Not registered on a network (searching, denied, idle).</summary>
    NotRegistered,

    /// <summary>Registered, but the signal is below the configured threshold.</summary>
    SignalLow,
}

/// <summary>The wire names of <see cref="ModemProblem"/> (kebab-case, as ModemManager spells its own reasons).</summary>
public static class ModemProblems
{
    /// <summary>The name a technician and the centre read, e.g. "sim-missing".</summary>
    public static string Code(this ModemProblem problem) => problem switch
    {
        ModemProblem.None => "none",
        ModemProblem.MmcliMissing => "mmcli-missing",
        ModemProblem.MmcliFailed => "mmcli-failed",
        ModemProblem.MmcliTimedOut => "mmcli-timeout",
        ModemProblem.MalformedOutput => "malformed-output",
        ModemProblem.NoModem => "no-modem",
        ModemProblem.ModemFailed => "modem-failed",
        ModemProblem.SimMissing => "sim-missing",
        ModemProblem.SimLocked => "sim-locked",
        ModemProblem.NotRegistered => "not-registered",
        ModemProblem.SignalLow => "signal-low",
        _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, null),
    };
}

/// <summary>One read of the modem: its status, or the problem that kept it from being read (never both).</summary>
/// <param name="Status">What ModemManager said; null when it could not be read.</param>
/// <param name="Problem">The read fault when <paramref name="Status"/> is null; <see cref="ModemProblem.None"/> otherwise.</param>
/// <param name="Detail">What went wrong, for the technician (mmcli's own error line, the malformed part).</param>
public sealed record ModemReading(ModemStatus? Status, ModemProblem Problem, string Detail)
{
    /// <summary>A successful read.</summary>
    public static ModemReading Of(ModemStatus status) => new(status, ModemProblem.None, "");

    /// <summary>A read that failed with <paramref name="problem"/>.</summary>
    public static ModemReading Failed(ModemProblem problem, string detail) => new(null, problem, detail);
}
