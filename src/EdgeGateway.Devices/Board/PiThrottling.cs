using System.Globalization;

namespace EdgeGateway.Devices.Board;

/// <summary>The Pi firmware's throttling bits, as <c>vcgencmd get_throttled</c> prints them (bit numbers from the Raspberry Pi documentation).</summary>
[Flags]
public enum ThrottleState
{
    /// <summary>Nothing reported.</summary>
    None = 0,

    /// <summary>Bit 0: under-voltage now (below ~4.63 V).</summary>
    UnderVoltageNow = 1 << 0,

    /// <summary>Bit 1: ARM frequency capped now.</summary>
    FrequencyCappedNow = 1 << 1,

    /// <summary>Bit 2: throttled now.</summary>
    ThrottledNow = 1 << 2,

    /// <summary>Bit 3: soft temperature limit active now.</summary>
    SoftTemperatureLimitNow = 1 << 3,

    /// <summary>Bit 16: under-voltage has occurred since boot.</summary>
    UnderVoltageOccurred = 1 << 16,

    /// <summary>Bit 17: frequency capping has occurred.</summary>
    FrequencyCappedOccurred = 1 << 17,

    /// <summary>Bit 18: throttling has occurred.</summary>
    ThrottledOccurred = 1 << 18,

    /// <summary>Bit 19: the soft temperature limit has occurred.</summary>
    SoftTemperatureLimitOccurred = 1 << 19,
}

/// <summary>
/// Under-voltage and throttling: the kernel's <c>rpi_volt</c> hwmon (<c>in0_lcrit_alarm</c>, Pi OS kernels ≥ 5.x) where it
/// is there, else <c>vcgencmd get_throttled</c> (which also knows throttling). Roots and command are injectable for tests.
/// </summary>
public sealed class PiThrottling(TimeProvider time, string hwmonRoot = "/sys/class/hwmon", string vcgencmd = "vcgencmd", TimeSpan? timeout = null)
{
    /// <summary>Parses <c>throttled=0x50005</c>.</summary>
    /// <exception cref="FormatException">Anything else, quoted.</exception>
    public static ThrottleState ParseGetThrottled(string output)
    {
        var text = (output ?? "").Trim();
        const string prefix = "throttled=0x";
        return text.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(prefix.Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits)
            ? (ThrottleState)bits
            : throw new FormatException($"vcgencmd get_throttled printed '{(text.Length > 80 ? text[..80] : text)}', expected throttled=0x…");
    }

    /// <summary>The rpi_volt hwmon's under-voltage alarm: true/false, or null when there is no such hwmon.</summary>
    public bool? ReadHwmonUnderVoltage()
    {
        if (!Directory.Exists(hwmonRoot))
        {
            return null;
        }

        foreach (var dir in Directory.GetDirectories(hwmonRoot).Order(StringComparer.Ordinal))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "name")).Trim() == "rpi_volt")
                {
                    return File.ReadAllText(Path.Combine(dir, "in0_lcrit_alarm")).Trim() == "1";
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not this one.
            }
        }

        return null;
    }

    /// <summary>Under-voltage and throttling now, with where it came from; a source that cannot be read gives its reason instead.</summary>
    public async Task<(ThrottleState? Flags, string Source)> ReadAsync(CancellationToken cancellationToken)
    {
        if (ReadHwmonUnderVoltage() is { } under)
        {
            return (under ? ThrottleState.UnderVoltageNow : ThrottleState.None, "rpi_volt");
        }

        var run = await BoundedProcess.RunAsync(vcgencmd, ["get_throttled"], timeout ?? TimeSpan.FromSeconds(5), time, cancellationToken).ConfigureAwait(false);
        if (run.Outcome != BoundedProcess.Outcome.Exited || run.ExitCode != 0)
        {
            return (null, run.Outcome switch
            {
                BoundedProcess.Outcome.Missing => "no rpi_volt hwmon and no vcgencmd",
                BoundedProcess.Outcome.TimedOut => "vcgencmd get_throttled did not answer",
                _ => $"vcgencmd get_throttled failed: {run.Error.Trim()}",
            });
        }

        try
        {
            return (ParseGetThrottled(run.Output), "vcgencmd");
        }
        catch (FormatException ex)
        {
            return (null, ex.Message);
        }
    }
}
