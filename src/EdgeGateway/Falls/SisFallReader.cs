using EdgeGateway.Core.Falls;

namespace EdgeGateway.Falls;

/// <summary>Reads the ADXL345 columns of a SisFall recording as samples, reporting malformed rows instead of failing.</summary>
public static class SisFallReader
{
    /// <summary>Streams the samples of <paramref name="path"/>; a malformed row is written to <paramref name="errors"/> as <c>file:line: reason</c> and skipped.</summary>
    /// <remarks>The timestamp comes from the line's position, so a skipped row leaves a 5 ms hole rather than shifting later samples.</remarks>
    public static IEnumerable<AccelerationSample> Read(string path, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(errors);
        return ReadIterator(path, errors);
    }

    private static IEnumerable<AccelerationSample> ReadIterator(string path, TextWriter errors)
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
                continue;
            }

            yield return AccelerationSample.FromG(
                x * SisFallFormat.AdxlGPerCount,
                y * SisFallFormat.AdxlGPerCount,
                z * SisFallFormat.AdxlGPerCount,
                SisFallFormat.TimestampOf(index));
        }
    }
}
