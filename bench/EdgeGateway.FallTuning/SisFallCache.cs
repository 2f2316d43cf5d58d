using System.Diagnostics;
using EdgeGateway.Core.Falls;

namespace EdgeGateway.FallTuning;

/// <summary>One SisFall recording: the folder's subject, the code and the ADXL345 raw counts (x, y, z interleaved), or their resampled milli-g at <see cref="SampleRateHz"/>.</summary>
internal sealed record Trial(string Subject, string RelativePath, string Code, short[] Raw, double SampleRateHz = SisFallFormat.SampleRateHz)
{
    public bool IsFall => Code.StartsWith('F');

    public bool IsElderly => Subject.StartsWith("SE", StringComparison.Ordinal);

    public int Samples => Raw.Length / 3;

    public double Seconds => Samples / SampleRateHz;
}

/// <summary>Parses the extracted data set once into a compact binary file, because parsing 375 MB of text for every tuning run wastes the shared CPU.</summary>
internal static class SisFallCache
{
    private const int Magic = 0x53465331; // "SFS1"

    public static List<Trial> Load(string datasetDir, string cacheDir)
    {
        Directory.CreateDirectory(cacheDir);
        var cacheFile = Path.Combine(cacheDir, "sisfall-adxl.bin");
        if (File.Exists(cacheFile))
        {
            Console.Error.WriteLine($"cache: reading {cacheFile}");
            return Read(cacheFile);
        }

        var sw = Stopwatch.StartNew();
        var trials = Parse(datasetDir);
        Write(cacheFile + ".tmp", trials);
        File.Move(cacheFile + ".tmp", cacheFile, overwrite: true);
        Console.Error.WriteLine($"cache: parsed {trials.Count} files in {sw.Elapsed.TotalSeconds:0.0} s into {cacheFile}");
        return trials;
    }

    private static List<Trial> Parse(string datasetDir)
    {
        var trials = new List<Trial>();
        foreach (var subjectDir in Directory.GetDirectories(datasetDir).Order(StringComparer.Ordinal))
        {
            var subject = Path.GetFileName(subjectDir);
            foreach (var file in Directory.GetFiles(subjectDir, "*.txt").Order(StringComparer.Ordinal))
            {
                var raw = new List<short>(60000);
                var lineNo = 0;
                foreach (var line in File.ReadLines(file))
                {
                    lineNo++;
                    if (SisFallFormat.IsBlank(line))
                    {
                        continue;
                    }

                    if (!SisFallFormat.TryParseAdxl(line, out var x, out var y, out var z, out var error))
                    {
                        Console.Error.WriteLine($"{file}:{lineNo}: {error}");
                        continue;
                    }

                    raw.Add((short)x);
                    raw.Add((short)y);
                    raw.Add((short)z);
                }

                var name = Path.GetFileName(file);
                trials.Add(new Trial(subject, $"{subject}/{name}", name[..3], [.. raw]));
            }
        }

        return trials;
    }

    private static void Write(string path, List<Trial> trials)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(Magic);
        writer.Write(trials.Count);
        foreach (var trial in trials)
        {
            writer.Write(trial.Subject);
            writer.Write(trial.RelativePath);
            writer.Write(trial.Code);
            writer.Write(trial.Raw.Length);
            foreach (var value in trial.Raw)
            {
                writer.Write(value);
            }
        }
    }

    private static List<Trial> Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadInt32() != Magic)
        {
            throw new InvalidDataException($"{path} is not a SisFall cache; delete it to rebuild");
        }

        var count = reader.ReadInt32();
        var trials = new List<Trial>(count);
        for (var i = 0; i < count; i++)
        {
            var subject = reader.ReadString();
            var relative = reader.ReadString();
            var code = reader.ReadString();
            var raw = new short[reader.ReadInt32()];
            var bytes = reader.ReadBytes(raw.Length * sizeof(short));
            Buffer.BlockCopy(bytes, 0, raw, 0, bytes.Length);
            trials.Add(new Trial(subject, relative, code, raw));
        }

        return trials;
    }
}
