using System.Globalization;

namespace EdgeGateway.Devices.Simulated;

/// <summary>A recorded (or made-up) sequence of three-axis accelerations in g, played back by the simulated chips.</summary>
public sealed class AccelerationTrace
{
    private readonly (double X, double Y, double Z)[] _samples;

    /// <summary>A trace of the given samples in g.</summary>
    public AccelerationTrace(IEnumerable<(double X, double Y, double Z)> samples, bool loop = true)
    {
        ArgumentNullException.ThrowIfNull(samples);
        _samples = [.. samples];
        if (_samples.Length == 0)
        {
            throw new ArgumentException("a trace needs at least one sample", nameof(samples));
        }

        Loop = loop;
    }

    /// <summary>Start over at the end (true) or hold the last sample.</summary>
    public bool Loop { get; }

    /// <summary>Number of samples.</summary>
    public int Count => _samples.Length;

    /// <summary>The sample played as the <paramref name="index"/>-th output.</summary>
    public (double X, double Y, double Z) this[long index] =>
        _samples[Loop ? (int)(index % _samples.Length) : (int)Math.Min(index, _samples.Length - 1)];

    /// <summary>A body at rest (1 g on y, SisFall's upright axis) with a few mg of sensor noise, as a real chip shows.</summary>
    public static AccelerationTrace AtRest(int samples = 200)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        // A fixed linear congruential sequence: the same "noise" on every run keeps tests reproducible.
        var state = 12345u;
        return new AccelerationTrace(
            Enumerable.Range(0, samples).Select(_ => (Noise(ref state), 1 + Noise(ref state), Noise(ref state))));

        static double Noise(ref uint s)
        {
            s = unchecked((s * 1664525u) + 1013904223u);
            return ((int)(s >> 29) - 4) / 256.0;
        }
    }

    /// <summary>
    /// Reads a SisFall recording: one sample per line, nine comma-separated integers ending with ';'. Columns 1–3 are the
    /// ADXL345 (±16 g, 13 bits), so g = raw × 32 / 8192.
    /// </summary>
    public static AccelerationTrace FromSisFall(TextReader reader, bool loop = true)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var samples = new List<(double, double, double)>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.Trim().TrimEnd(';');
            if (text.Length == 0)
            {
                continue;
            }

            var columns = text.Split(',');
            if (columns.Length < 3
                || !int.TryParse(columns[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var x)
                || !int.TryParse(columns[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var y)
                || !int.TryParse(columns[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var z))
            {
                throw new FormatException($"SisFall line {lineNumber}: expected at least three integer columns, got '{line}'");
            }

            samples.Add((x * 32.0 / 8192, y * 32.0 / 8192, z * 32.0 / 8192));
        }

        return new AccelerationTrace(samples, loop);
    }
}
