using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using EdgeGateway.Core.Falls;
using EdgeGateway.Falls;

namespace EdgeGateway.Cli;

/// <summary>The <c>fall</c> command: replays recordings through the same streaming detector the gateway runs, and scores it.</summary>
public static class FallCommands
{
    /// <summary>Exit code when a path does not exist.</summary>
    public const int PathNotFound = 2;

    /// <summary>Exit code when some input files could not be resampled (the others were written).</summary>
    public const int SomeFilesFailed = 1;

    /// <summary>Builds <c>fall replay PATH... [--rate HZ]</c>, <c>fall evaluate PATH... [--rate HZ]</c> and <c>fall resample IN OUT [--rate HZ]</c>.</summary>
    public static Command Create()
    {
        var fall = new Command("fall", "Fall detector tools for SisFall recordings (ADXL345 columns; 200 Hz, or another rate with --rate)");
        fall.Subcommands.Add(CreateReplay());
        fall.Subcommands.Add(CreateEvaluate());
        fall.Subcommands.Add(CreateResample());
        return fall;
    }

    private static Command CreateReplay()
    {
        var paths = PathArgument();
        var rate = ReplayRateOption();
        var replay = new Command("replay", "Replay each file (fresh detector per file, built for --rate); CSV to stdout: file,detected,first_alarm_s,alarms") { paths, rate };
        replay.SetAction((ParseResult r, CancellationToken ct) =>
        {
            var output = r.InvocationConfiguration.Output;
            var errors = r.InvocationConfiguration.Error;
            if (!TryExpand(r.GetValue(paths) ?? [], "replay", errors, out var files))
            {
                return Task.FromResult(PathNotFound);
            }

            var rateHz = r.GetValue(rate);

            output.WriteLine("file,detected,first_alarm_s,alarms");
            foreach (var file in files)
            {
                ct.ThrowIfCancellationRequested();
                var result = Replay(file, rateHz, errors);
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
        var rate = ReplayRateOption();
        var evaluate = new Command("evaluate", "Sensitivity, specificity, accuracy and false alarms per ADL hour per subject group (SA young, SE elderly), then the same per fall / activity code") { paths, rate };
        evaluate.SetAction((ParseResult r, CancellationToken ct) =>
        {
            var output = r.InvocationConfiguration.Output;
            var errors = r.InvocationConfiguration.Error;
            if (!TryExpand(r.GetValue(paths) ?? [], "evaluate", errors, out var files))
            {
                return Task.FromResult(PathNotFound);
            }

            var rateHz = r.GetValue(rate);

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
                var result = Replay(file, rateHz, errors);
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

    private static Command CreateResample()
    {
        var input = new Argument<string>("in") { Description = "A SisFall folder (searched recursively for *.txt; subject folders are kept) or one SisFall file" };
        var outDir = new Argument<string>("out") { Description = "Folder for the resampled files, laid out and named as the input" };
        var rate = new Option<double>("--rate")
        {
            Description = $"Output rate in Hz; must divide SisFall's {SisFallFormat.SampleRateHz} Hz (default {WearableResampler.WearableRateHz}, the wearable's)",
            DefaultValueFactory = _ => WearableResampler.WearableRateHz,
        };
        rate.CustomParser = r => ParseRate(r, WearableResampler.WearableRateHz, value =>
        {
            var factor = SisFallFormat.SampleRateHz / value;
            return value <= SisFallFormat.SampleRateHz && factor == Math.Round(factor)
                ? null
                : string.Create(CultureInfo.InvariantCulture, $"{value} Hz cannot be resampled to; it must divide {SisFallFormat.SampleRateHz} Hz into whole samples (e.g. 100, 50, 25)");
        });
        var resample = new Command(
            "resample",
            "Resample SisFall files to what the belt-clip wearable sends: mean of each block of 200/--rate samples (anti-alias), milli-g, clipped at ±8 g; "
            + "written in SisFall's layout (ADXL345 columns, nearest count) for 'fall replay --rate'. CSV to stdout: file,out,samples_in,samples_out")
        {
            input, outDir, rate,
        };
        resample.SetAction((ParseResult r, CancellationToken ct) =>
        {
            var output = r.InvocationConfiguration.Output;
            var errors = r.InvocationConfiguration.Error;
            var source = r.GetValue(input)!;
            var target = r.GetValue(outDir)!;
            var decimation = WearableResampler.DecimationFor(r.GetValue(rate));
            if (!TryExpand([source], "resample", errors, out var files))
            {
                return Task.FromResult(PathNotFound);
            }

            // One file keeps its folder, which names the subject for 'fall evaluate'; a folder is mirrored below OUT.
            var root = Path.GetFullPath(source);
            if (File.Exists(source))
            {
                var folder = Path.GetDirectoryName(root)!;
                root = Path.GetDirectoryName(folder) ?? folder;
            }

            output.WriteLine("file,out,samples_in,samples_out");
            var failed = false;
            foreach (var file in files)
            {
                ct.ThrowIfCancellationRequested();
                var destination = Path.Combine(target, Path.GetRelativePath(root, Path.GetFullPath(file)));
                if (string.Equals(Path.GetFullPath(destination), Path.GetFullPath(file), StringComparison.Ordinal))
                {
                    errors.WriteLine($"fall resample: {file}: not resampled, it would be written over itself");
                    failed = true;
                    continue;
                }

                var counts = SisFallReader.ReadCounts(file, errors, out var malformed);
                if (malformed > 0)
                {
                    // Dropping a row would shift every later sample by one and blur the block means; better no file than a wrong one.
                    errors.WriteLine($"fall resample: {file}: not resampled, {malformed} malformed row(s)");
                    failed = true;
                    continue;
                }

                var milliG = new short[WearableResampler.OutputLength(counts.Length / 3, decimation) * 3];
                var written = WearableResampler.Resample(counts, decimation, milliG);
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
                using (var writer = new StreamWriter(destination))
                {
                    // SisFall's own line ending, so the files look like the originals.
                    writer.NewLine = "\r\n";
                    for (var i = 0; i < milliG.Length; i += 3)
                    {
                        writer.WriteLine(SisFallFormat.FormatAdxl(
                            SisFallFormat.AdxlCountsOf(milliG[i] / WearableResampler.MilliGPerG),
                            SisFallFormat.AdxlCountsOf(milliG[i + 1] / WearableResampler.MilliGPerG),
                            SisFallFormat.AdxlCountsOf(milliG[i + 2] / WearableResampler.MilliGPerG)));
                    }
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Csv(file)},{Csv(destination)},{counts.Length / 3},{written}"));
            }

            return Task.FromResult(failed ? SomeFilesFailed : 0);
        });
        return resample;
    }

    private static Option<double> ReplayRateOption()
    {
        var rate = new Option<double>("--rate")
        {
            Description = $"Sample rate of the files in Hz; the detector is built for it (default {SisFallFormat.SampleRateHz}, SisFall's own; {WearableResampler.WearableRateHz} for 'fall resample' output)",
            DefaultValueFactory = _ => SisFallFormat.SampleRateHz,
        };
        var cutoff = new FallDetectorOptions().LowPassCutoffHz;

        // The detector's low-pass must sit below Nyquist: say so here rather than fail on the first file.
        rate.CustomParser = r => ParseRate(r, SisFallFormat.SampleRateHz, value =>
            value > 2 * cutoff ? null : string.Create(CultureInfo.InvariantCulture, $"{value} Hz is too slow for the fall detector, whose {cutoff} Hz low-pass needs more than {2 * cutoff} Hz"));
        return rate;
    }

    /// <summary>Parses --rate itself, so that a word, zero, a negative or an unusable rate is refused with the option named instead of a conversion exception.</summary>
    private static double ParseRate(ArgumentResult result, double defaultHz, Func<double, string?> unusable)
    {
        if (result.Tokens.Count == 0)
        {
            return defaultHz;
        }

        var token = result.Tokens[^1].Value;
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || double.IsInfinity(value))
        {
            result.AddError($"--rate: '{token}' is not a sample rate; expected a positive number of hertz (e.g. 200 or 50)");
            return defaultHz;
        }

        if (unusable(value) is { } reason)
        {
            result.AddError($"--rate: {reason}");
            return defaultHz;
        }

        return value;
    }

    private static Argument<string[]> PathArgument() =>
        new("path") { Arity = ArgumentArity.OneOrMore, Description = "SisFall .txt files or folders (searched recursively for *.txt)" };

    private static ReplayResult Replay(string file, double rateHz, TextWriter errors)
    {
        var detector = new FallDetector(new FallDetectorOptions(), rateHz);
        var alarms = 0;
        TimeSpan? first = null;
        var last = TimeSpan.Zero;
        var samples = 0L;
        foreach (var sample in SisFallReader.Read(file, errors, rateHz))
        {
            samples++;
            last = sample.Timestamp;
            if (detector.Process(sample, out var detection))
            {
                alarms++;
                first ??= detection.Timestamp;
            }
        }

        return new ReplayResult(alarms, first, samples == 0 ? TimeSpan.Zero : last + SisFallFormat.TimestampOf(1, rateHz));
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
