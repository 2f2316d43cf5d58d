using System.Runtime.CompilerServices;
using EdgeGateway.Core.Falls;

namespace EdgeGateway.Falls;

/// <summary>Reads the ADXL345 columns of a SisFall recording as samples, reporting malformed rows instead of failing.</summary>
public static class SisFallReader
{
    /// <summary>Streams the samples of <paramref name="path"/>; a malformed row is written to <paramref name="errors"/> as <c>file:line: reason</c> and skipped.</summary>
    /// <remarks>The timestamp comes from the line's position, so a skipped row leaves a one-sample hole (5 ms at 200 Hz) rather than shifting later samples.</remarks>
    public static IEnumerable<AccelerationSample> Read(string path, TextWriter errors) => Read(path, errors, SisFallFormat.SampleRateHz);

    /// <summary>As <see cref="Read(string, TextWriter)"/> for a file sampled at <paramref name="sampleRateHz"/> (SisFall layout resampled, e.g. by <c>fall resample</c>).</summary>
    public static IEnumerable<AccelerationSample> Read(string path, TextWriter errors, double sampleRateHz)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(errors);
        if (!(sampleRateHz > 0) || double.IsInfinity(sampleRateHz))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRateHz), sampleRateHz, "sample rate must be a positive finite number of hertz");
        }

        return ReadIterator(path, errors, sampleRateHz);
    }

    /// <summary>The raw ADXL345 counts of every well-formed row, x, y, z interleaved; a malformed row is reported and counted in <paramref name="malformed"/>.</summary>
    public static short[] ReadCounts(string path, TextWriter errors, out int malformed)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(errors);
        var counts = new List<short>();
        var bad = new StrongBox<int>();
        foreach (var (index, x, y, z) in Rows(path, errors, bad))
        {
            // 13-bit counts; anything outside a short is not SisFall data.
            if (x is < short.MinValue or > short.MaxValue || y is < short.MinValue or > short.MaxValue || z is < short.MinValue or > short.MaxValue)
            {
                errors.WriteLine($"{path}:{index + 1}: ADXL345 count outside the 16-bit range");
                bad.Value++;
                continue;
            }

            counts.Add((short)x);
            counts.Add((short)y);
            counts.Add((short)z);
        }

        malformed = bad.Value;
        return [.. counts];
    }

    private static IEnumerable<AccelerationSample> ReadIterator(string path, TextWriter errors, double sampleRateHz)
    {
        foreach (var (index, x, y, z) in Rows(path, errors, new StrongBox<int>()))
        {
            yield return AccelerationSample.FromG(
                x * SisFallFormat.AdxlGPerCount,
                y * SisFallFormat.AdxlGPerCount,
                z * SisFallFormat.AdxlGPerCount,
                SisFallFormat.TimestampOf(index, sampleRateHz));
        }
    }

    // Every well-formed row with its line's index (blank lines count, so timestamps keep their place); a malformed row
    // is written to errors as file:line: reason and counted in malformed.
    private static IEnumerable<(long Index, int X, int Y, int Z)> Rows(string path, TextWriter errors, StrongBox<int> malformed)
    {
        long index = -1;
        foreach (var line in File.ReadLines(path))
        {
            index++;
            if (SisFallFormat.IsBlank(line))
            {
                continue;
            }

            if (!SisFallFormat.TryParseAdxl(line, out var x, out var y, out var z, out var error))
            {
                errors.WriteLine($"{path}:{index + 1}: {error}");
                malformed.Value++;
                continue;
            }

            yield return (index, x, y, z);
        }
    }
}
