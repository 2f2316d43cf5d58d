using EdgeGateway.Core.Falls;
using EdgeGateway.Devices.Wearable;

namespace EdgeGateway.TestSupport.BlueZ;

/// <summary>A SisFall recording as the wearable would send it: 200 Hz ADXL345 counts resampled to 50 Hz mg by <see cref="WearableResampler"/>.</summary>
public static class WearableRecording
{
    /// <summary>The demo's forward fall while walking (SisFall F01, subject SA01), from 5 s into the trial: 10 s, the impact about 2 s in.</summary>
    public static string ForwardFall => Path.Combine(RepoRoot.Path, "src", "EdgeGateway", "Demo", "Data", "F01_SA01_R01.from5s.txt");

    /// <summary>
    /// The recording at 50 Hz in mg, after <paramref name="standingSeconds"/> of standing still upright (y = −1000 mg): the
    /// recording has under 2 s before its impact, and a link drop in the pre-fall part needs more.
    /// </summary>
    public static List<WearableSample> Load(string path, double standingSeconds = 0)
    {
        var counts = new List<short>();
        foreach (var line in File.ReadLines(path))
        {
            if (SisFallFormat.IsBlank(line))
            {
                continue;
            }

            if (!SisFallFormat.TryParseAdxl(line, out var x, out var y, out var z, out var error))
            {
                throw new InvalidDataException($"{path}: {error}");
            }

            counts.AddRange([(short)x, (short)y, (short)z]);
        }

        var decimation = WearableResampler.DecimationFor(WearableResampler.WearableRateHz);
        var mg = new short[WearableResampler.OutputLength(counts.Count / 3, decimation) * 3];
        var n = WearableResampler.Resample([.. counts], decimation, mg);
        var samples = Enumerable.Repeat(new WearableSample(0, -1000, 0), (int)Math.Round(standingSeconds * WearableResampler.WearableRateHz)).ToList();
        for (var i = 0; i < n; i++)
        {
            samples.Add(new WearableSample(mg[i * 3], mg[(i * 3) + 1], mg[(i * 3) + 2]));
        }

        return samples;
    }

    /// <summary>The sample in g, as the link delivers it.</summary>
    public static AccelerationSample ToG(WearableSample s, long index) =>
        AccelerationSample.FromG(s.X / 1000.0, s.Y / 1000.0, s.Z / 1000.0, WearableProtocol.SamplePeriod * index);

    /// <summary>The index of the sample at which a fresh default <see cref="FallDetector"/> at 50 Hz decides a fall, or −1.</summary>
    public static int DetectionIndex(IReadOnlyList<WearableSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var detector = new FallDetector(new FallDetectorOptions(), WearableResampler.WearableRateHz);
        for (var i = 0; i < samples.Count; i++)
        {
            if (detector.Process(ToG(samples[i], i), out _))
            {
                return i;
            }
        }

        return -1;
    }
}
