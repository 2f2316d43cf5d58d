using System.CommandLine;
using EdgeGateway.Cli;

namespace EdgeGateway.Tests.Cli;

public sealed class FallCommandsTests : IDisposable
{
    private static readonly string DataDir = Path.Combine(AppContext.BaseDirectory, "Data", "sisfall");
    private readonly string _temp = Directory.CreateTempSubdirectory("fall-tests-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await new RootCommand { FallCommands.Create() }
            .Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static string Data(string relative) => Path.Combine(DataDir, relative);

    [Fact]
    public async Task Replay_output_on_real_recordings_is_pinned()
    {
        // Pinned on purpose: any change to the detector or its defaults must show up here and be re-evaluated
        // with bench/EdgeGateway.FallTuning before this expectation is updated.
        var (exit, output, error) = await Run("fall", "replay", DataDir);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        var expected = string.Join('\n', [
            "file,detected,first_alarm_s,alarms",
            $"{Data("SA01/D19_SA01_R01.txt")},0,,0",
            $"{Data("SA01/F01_SA01_R01.txt")},1,9.960,1",
            $"{Data("SA02/D10_SA02_R01.txt")},0,,0",
            $"{Data("SA02/F06_SA02_R01.txt")},1,10.670,1",
            $"{Data("SA05/F13_SA05_R01.txt")},0,,0",
            $"{Data("SE08/D14_SE08_R03.txt")},0,,0",
            string.Empty,
        ]);
        Assert.Equal(expected, output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Replay_takes_single_files_and_keeps_the_path_as_given()
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, Data("SA01/F01_SA01_R01.txt"));
        var (exit, output, _) = await Run("fall", "replay", relative);

        Assert.Equal(0, exit);
        var lines = output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{relative},1,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_reports_malformed_rows_with_file_and_line_and_goes_on()
    {
        var good = File.ReadLines(Data("SA01/F01_SA01_R01.txt")).ToList();
        good[2] = "  12, -250;";
        good[4] = "  12,abc,  3,   4,   5,   6,   7,   8,   9;";
        good[6] = "  12, -250,  3,   4,   5,   6,   7,   8,   9";
        var path = Path.Combine(_temp, "F01_SA01_R01.txt");
        File.WriteAllText(path, string.Join("\r\n", good) + "\r\n");

        var (exit, output, error) = await Run("fall", "replay", path);

        Assert.Equal(0, exit);
        var errors = error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(3, errors.Length);
        Assert.StartsWith($"{path}:3: expected 9", errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:5: column 2: 'abc'", errors[1], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:7: line does not end with ';'", errors[2], StringComparison.Ordinal);
        Assert.Contains($"{path},1,", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_of_a_missing_path_names_it_and_exits_2()
    {
        var missing = Path.Combine(_temp, "no-such-recording.txt");
        var (exit, output, error) = await Run("fall", "replay", Data("SA01"), missing);

        Assert.Equal(2, exit);
        Assert.Contains(missing, error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task Replay_needs_at_least_one_path()
    {
        var (exit, _, error) = await Run("fall", "replay");
        Assert.NotEqual(0, exit);
        Assert.NotEqual(string.Empty, error);
    }

    [Fact]
    public async Task Evaluate_scores_young_and_elderly_separately()
    {
        var (exit, output, error) = await Run("fall", "evaluate", DataDir);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        var lines = output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal("group,falls,detected,sensitivity_pct,adl,adl_without_alarm,specificity_pct,accuracy_pct,adl_hours,false_alarms,false_alarms_per_adl_hour", lines[0]);
        // Young: 2 of 3 falls, 2 of 2 ADLs clean (24 s of ADL). Elderly: ADL only, so no sensitivity or accuracy.
        Assert.Equal("SA,3,2,66.67,2,2,100.00,83.33,0.007,0,0.00", lines[1]);
        Assert.Equal("SE,0,0,,1,1,100.00,,0.003,0,0.00", lines[2]);
        Assert.Equal(string.Empty, lines[3]);
    }

    [Fact]
    public async Task Evaluate_also_scores_each_fall_and_activity_code_per_group()
    {
        var (exit, output, error) = await Run("fall", "evaluate", DataDir);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        var lines = output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        var header = Array.IndexOf(lines, "code,group,recordings,with_alarm,sensitivity_pct,specificity_pct,adl_hours,false_alarms,false_alarms_per_adl_hour");
        Assert.Equal(4, header);
        // The committed sample: F13 of SA05 is the soft fall from a chair the detector still misses; the rest are right.
        Assert.Equal(
            [
                "D10,SA,1,0,,100.00,0.003,0,0.00",
                "D14,SE,1,0,,100.00,0.003,0,0.00",
                "D19,SA,1,0,,100.00,0.003,0,0.00",
                "F01,SA,1,1,100.00,,,,",
                "F06,SA,1,1,100.00,,,,",
                "F13,SA,1,0,0.00,,,,",
            ],
            lines[(header + 1)..]);
    }

    [Fact]
    public async Task Evaluate_of_a_missing_path_exits_2()
    {
        var (exit, _, error) = await Run("fall", "evaluate", Path.Combine(_temp, "nowhere"));
        Assert.Equal(2, exit);
        Assert.Contains("nowhere", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resampled_to_the_wearables_50_Hz_the_falls_are_still_detected_and_the_activities_stay_quiet()
    {
        // The wearable (issue 31) sends 50 Hz; the same recordings through 'fall resample' and back through 'fall replay --rate 50'.
        var wearable = Path.Combine(_temp, "wearable");
        var (exit, output, error) = await Run("fall", "resample", DataDir, wearable, "--rate", "50");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        Assert.Contains($"{Data("SA01/F01_SA01_R01.txt")},{Path.Combine(wearable, "SA01", "F01_SA01_R01.txt")},3000,750", output, StringComparison.Ordinal);
        var resampled = Path.Combine(wearable, "SA01", "F01_SA01_R01.txt");
        Assert.Equal(750, File.ReadLines(resampled).Count());

        (exit, output, error) = await Run("fall", "replay", wearable, "--rate", "50");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        string W(string relative) => Path.Combine(wearable, relative);
        var expected = string.Join('\n', [
            "file,detected,first_alarm_s,alarms",
            $"{W("SA01/D19_SA01_R01.txt")},0,,0",
            $"{W("SA01/F01_SA01_R01.txt")},1,9.940,1",
            $"{W("SA02/D10_SA02_R01.txt")},0,,0",
            $"{W("SA02/F06_SA02_R01.txt")},1,10.660,1",
            $"{W("SA05/F13_SA05_R01.txt")},0,,0",
            $"{W("SE08/D14_SE08_R03.txt")},0,,0",
            string.Empty,
        ]);
        Assert.Equal(expected, output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_single_resampled_file_keeps_its_subject_folder_and_evaluate_times_it_at_the_given_rate()
    {
        var wearable = Path.Combine(_temp, "one");
        var (exit, _, _) = await Run("fall", "resample", Data("SA01/F01_SA01_R01.txt"), wearable);
        Assert.Equal(0, exit);
        (exit, _, _) = await Run("fall", "resample", Data("SA01/D19_SA01_R01.txt"), wearable);
        Assert.Equal(0, exit);

        var (code, output, error) = await Run("fall", "evaluate", wearable, "--rate", "50");

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        // 12 s of ADL at 50 Hz is 0.003 h, as at 200 Hz: read at the wrong rate it would be four times too long.
        Assert.Equal("SA,1,1,100.00,1,1,100.00,100.00,0.003,0,0.00", output.ReplaceLineEndings("\n").Split('\n')[1]);
    }

    [Theory]
    [InlineData("replay", "0")]
    [InlineData("replay", "abc")]
    [InlineData("replay", "-50")]
    [InlineData("replay", "NaN")]
    [InlineData("replay", "5")]
    [InlineData("evaluate", "0")]
    [InlineData("evaluate", "fifty")]
    public async Task A_rate_that_is_not_a_usable_positive_number_is_refused_naming_the_option(string verb, string rate)
    {
        var (exit, output, error) = await Run("fall", verb, DataDir, $"--rate={rate}");

        Assert.NotEqual(0, exit);
        Assert.Contains("--rate", error, StringComparison.Ordinal);
        Assert.Contains(rate, error, StringComparison.Ordinal);
        // Nothing replayed: no CSV header, only the usage text.
        Assert.DoesNotContain("\nfile,detected", "\n" + output, StringComparison.Ordinal);
        Assert.DoesNotContain("\ngroup,falls", "\n" + output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30")]
    [InlineData("0")]
    [InlineData("400")]
    [InlineData("x")]
    public async Task Resample_refuses_a_rate_that_does_not_divide_200_Hz(string rate)
    {
        var target = Path.Combine(_temp, "nothing");
        var (exit, _, error) = await Run("fall", "resample", DataDir, target, "--rate", rate);

        Assert.NotEqual(0, exit);
        Assert.Contains("--rate", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Resample_writes_no_file_for_a_recording_with_malformed_rows()
    {
        var lines = File.ReadLines(Data("SA01/F01_SA01_R01.txt")).ToList();
        lines[2] = "  12, -250;";
        var folder = Directory.CreateDirectory(Path.Combine(_temp, "in", "SA01")).FullName;
        File.WriteAllText(Path.Combine(folder, "F01_SA01_R01.txt"), string.Join("\r\n", lines) + "\r\n");
        var target = Path.Combine(_temp, "out");

        var (exit, _, error) = await Run("fall", "resample", Path.Combine(_temp, "in"), target);

        Assert.Equal(FallCommands.SomeFilesFailed, exit);
        Assert.Contains(":3: expected 9", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(target, "SA01", "F01_SA01_R01.txt")));
    }
}
