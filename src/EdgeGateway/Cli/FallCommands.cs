using System.CommandLine;
using System.Globalization;
using EdgeGateway.Core.Falls;
using EdgeGateway.Falls;

namespace EdgeGateway.Cli;

/// <summary>The <c>fall</c> command: replays recordings through the same streaming detector the gateway runs, and scores it.</summary>
public static class FallCommands
{
    /// <summary>Exit code when a path does not exist.</summary>
    public const int PathNotFound = 2;

    /// <summary>Builds <c>fall replay PATH...</c> and <c>fall evaluate PATH...</c>.</summary>
    public static Command Create()
    {
        var fall = new Command("fall", "Fall detector tools for SisFall recordings (ADXL345 columns, 200 Hz)");
        fall.Subcommands.Add(CreateReplay());
        fall.Subcommands.Add(CreateEvaluate());
        return fall;
    }

    private static Command CreateReplay()
    {
        var paths = PathArgument();
        var replay = new Command("replay", "Replay each file (fresh detector per file); CSV to stdout: file,detected,first_alarm_s,alarms") { paths };
        replay.SetAction((ParseResult r, CancellationToken ct) =>
        {
            var output = r.InvocationConfiguration.Output;
            var errors = r.InvocationConfiguration.Error;
            if (!TryExpand(r.GetValue(paths) ?? [], "replay", errors, out var files))
            {
                return Task.FromResult(PathNotFound);
            }

            output.WriteLine("file,detected,first_alarm_s,alarms");
            foreach (var file in files)
            {
                ct.ThrowIfCancellationRequested();
                var result = Replay(file, errors);
                var first = result.FirstAlarm is { } t ? t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) : string.Empty;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Csv(file)},{(result.Alarms > 0 ? 1 : 0)},{first},{result.Alarms}"));
            }

            return Task.FromResult(0);
        });
        return replay;
    }

    private static Command CreateEvaluate()
    {
        var paths = PathArgument();
        var evaluate = new Command("evaluate", "Sensitivity, specificity, accuracy and false alarms per ADL hour per subject group (SA young, SE elderly), then the same per fall / activity code") { paths };
        evaluate.SetAction((ParseResult r, CancellationToken ct) =>
        {
            var output = r.InvocationConfiguration.Output;
            var errors = r.InvocationConfiguration.Error;
            if (!TryExpand(r.GetValue(paths) ?? [], "evaluate", errors, out var files))
            {
                return Task.FromResult(PathNotFound);
            }

            var groups = new SortedDictionary<string, Score>(StringComparer.Ordinal) { ["SA"] = default, ["SE"] = default };
            var codes = new SortedDictionary<(string Code, string Group), Score>(Comparer<(string Code, string Group)>.Create(
                (a, b) => string.CompareOrdinal(a.Code, b.Code) is var c and not 0 ? c : string.CompareOrdinal(a.Group, b.Group)));
            foreach (var file in files)
            {
                ct.ThrowIfCancellationRequested();
                var name = Path.GetFileName(file);
                var isFall = name.StartsWith('F');
                if (!isFall && !name.StartsWith('D'))
                {
                    errors.WriteLine($"{file}: skipped, name does not start with an F (fall) or D (ADL) code");
                    continue;
                }

                // The folder names the subject: the data set has files whose names carry another subject's ID.
                var subject = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file))) ?? string.Empty;
                var group = subject.Length >= 2 ? subject[..2].ToUpperInvariant() : "??";
                var result = Replay(file, errors);
                groups[group] = groups.GetValueOrDefault(group).Add(isFall, result);
                var code = name.Split('_')[0].ToUpperInvariant();
                codes[(code, group)] = codes.GetValueOrDefault((code, group)).Add(isFall, result);
            }

            output.WriteLine("group,falls,detected,sensitivity_pct,adl,adl_without_alarm,specificity_pct,accuracy_pct,adl_hours,false_alarms,false_alarms_per_adl_hour");
            foreach (var (group, s) in groups)
            {
                output.WriteLine(s.ToCsv(group));
            }

            // Per code, so a regression on one kind of fall or activity does not hide in the totals.
            output.WriteLine();
            output.WriteLine("code,group,recordings,with_alarm,sensitivity_pct,specificity_pct,adl_hours,false_alarms,false_alarms_per_adl_hour");
            foreach (var ((code, group), s) in codes)
            {
                output.WriteLine(s.ToCodeCsv(code, group));
            }

            return Task.FromResult(0);
        });
        return evaluate;
    }

    private static Argument<string[]> PathArgument() =>
        new("path") { Arity = ArgumentArity.OneOrMore, Description = "SisFall .txt files or folders (searched recursively for *.txt)" };

    private static ReplayResult Replay(string file, TextWriter errors)
    {
        var detector = new FallDetector(new FallDetectorOptions(), SisFallFormat.SampleRateHz);
        var alarms = 0;
        TimeSpan? first = null;
        var last = TimeSpan.Zero;
        var samples = 0L;
        foreach (var sample in SisFallReader.Read(file, errors))
        {
            samples++;
            last = sample.Timestamp;
            if (detector.Process(sample, out var detection))
            {
                alarms++;
                first ??= detection.Timestamp;
            }
        }

        return new ReplayResult(alarms, first, samples == 0 ? TimeSpan.Zero : last + SisFallFormat.TimestampOf(1));
    }

    private static bool TryExpand(string[] paths, string verb, TextWriter errors, out List<string> files)
    {
        files = [];
        var ok = true;
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*.txt", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else
            {
                errors.WriteLine($"fall {verb}: no such file or directory: {path}");
                ok = false;
            }
        }

        return ok;
    }

    private static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private readonly record struct ReplayResult(int Alarms, TimeSpan? FirstAlarm, TimeSpan Duration);

    private readonly record struct Score(int Falls, int Detected, int Adl, int AdlClean, int FalseAlarms, TimeSpan AdlTime)
    {
        public Score Add(bool isFall, ReplayResult r) => isFall
            ? this with { Falls = Falls + 1, Detected = Detected + (r.Alarms > 0 ? 1 : 0) }
            : this with { Adl = Adl + 1, AdlClean = AdlClean + (r.Alarms > 0 ? 0 : 1), FalseAlarms = FalseAlarms + r.Alarms, AdlTime = AdlTime + r.Duration };

        public string ToCsv(string group)
        {
            double? sensitivity = Falls > 0 ? 100.0 * Detected / Falls : null;
            double? specificity = Adl > 0 ? 100.0 * AdlClean / Adl : null;
            // With no falls (the elderly subjects) accuracy is undefined; specificity is the number that counts.
            double? accuracy = sensitivity is { } se && specificity is { } sp ? (se + sp) / 2 : null;
            var hours = AdlTime.TotalHours;
            double? rate = hours > 0 ? FalseAlarms / hours : null;
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{group},{Falls},{Detected},{F(sensitivity)},{Adl},{AdlClean},{F(specificity)},{F(accuracy)},{hours:0.000},{FalseAlarms},{F(rate)}");
        }

        public string ToCodeCsv(string code, string group)
        {
            var recordings = Falls + Adl;
            var withAlarm = Detected + (Adl - AdlClean);
            double? sensitivity = Falls > 0 ? 100.0 * Detected / Falls : null;
            double? specificity = Adl > 0 ? 100.0 * AdlClean / Adl : null;
            var hours = AdlTime.TotalHours;
            double? rate = hours > 0 ? FalseAlarms / hours : null;
            var adlHours = Adl > 0 ? hours.ToString("0.000", CultureInfo.InvariantCulture) : string.Empty;
            var falseAlarms = Adl > 0 ? FalseAlarms.ToString(CultureInfo.InvariantCulture) : string.Empty;
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{code},{group},{recordings},{withAlarm},{F(sensitivity)},{F(specificity)},{adlHours},{falseAlarms},{F(rate)}");
        }

        private static string F(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : string.Empty;
    }
}
