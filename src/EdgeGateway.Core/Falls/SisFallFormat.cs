using System.Globalization;

namespace EdgeGateway.Core.Falls;

/// <summary>The SisFall text format (Sucerquia et al., Sensors 2017): one 200 Hz sample per line, nine raw counts, ADXL345 first.</summary>
public static class SisFallFormat
{
    /// <summary>Sample rate of every SisFall recording.</summary>
    public const double SampleRateHz = 200;

    /// <summary>ADXL345 scale in g per count at ±16 g, 13 bit: 2 × 16 / 2^13.</summary>
    public const double AdxlGPerCount = 32.0 / 8192.0;

    /// <summary>Number of comma-separated values on a line.</summary>
    public const int Columns = 9;

    /// <summary>Timestamp of the sample at <paramref name="index"/> (samples are evenly spaced at 200 Hz).</summary>
    public static TimeSpan TimestampOf(long index) => TimeSpan.FromTicks(index * (TimeSpan.TicksPerSecond / (long)SampleRateHz));

    /// <summary>Timestamp of the sample at <paramref name="index"/> in a file sampled at <paramref name="sampleRateHz"/> (e.g. resampled to the wearable's 50 Hz).</summary>
    public static TimeSpan TimestampOf(long index, double sampleRateHz) =>
        TimeSpan.FromTicks((long)Math.Round(index * (TimeSpan.TicksPerSecond / sampleRateHz)));

    /// <summary>The ADXL345 count nearest to <paramref name="g"/> (3.9 mg per count), for writing resampled data in the columns the reader takes.</summary>
    public static int AdxlCountsOf(double g) => (int)Math.Round(g / AdxlGPerCount, MidpointRounding.AwayFromZero);

    /// <summary>One line in SisFall's layout: the ADXL345 counts in columns 1–3 and zeros for the gyroscope and MMA8451Q columns, which the reader ignores.</summary>
    public static string FormatAdxl(int x, int y, int z) =>
        string.Create(CultureInfo.InvariantCulture, $"{x,4},{y,4},{z,4},   0,   0,   0,   0,   0,   0;");

    /// <summary>Whether the line carries nothing (blank lines, such as a trailing one, are not errors).</summary>
    public static bool IsBlank(ReadOnlySpan<char> line) => line.IsWhiteSpace();

    /// <summary>Parses the ADXL345 counts (columns 1–3) of one line; on failure returns false and says why.</summary>
    public static bool TryParseAdxl(ReadOnlySpan<char> line, out int x, out int y, out int z, out string? error)
    {
        x = y = z = 0;
        var body = line.TrimEnd();
        if (body.IsEmpty || body[^1] != ';')
        {
            error = "line does not end with ';'";
            return false;
        }

        body = body[..^1];
        Span<int> values = stackalloc int[Columns];
        var column = 0;
        while (true)
        {
            var comma = body.IndexOf(',');
            var field = (comma < 0 ? body : body[..comma]).Trim();
            if (column >= Columns)
            {
                error = $"expected {Columns} comma-separated values, found more";
                return false;
            }

            if (!int.TryParse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[column]))
            {
                error = $"column {column + 1}: '{field.ToString()}' is not an integer";
                return false;
            }

            column++;
            if (comma < 0)
            {
                break;
            }

            body = body[(comma + 1)..];
        }

        if (column != Columns)
        {
            error = $"expected {Columns} comma-separated values, found {column}";
            return false;
        }

        x = values[0];
        y = values[1];
        z = values[2];
        error = null;
        return true;
    }
}
