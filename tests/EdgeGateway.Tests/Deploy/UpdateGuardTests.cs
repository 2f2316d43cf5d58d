using System.Diagnostics;
using EdgeGateway.TestSupport;
using EdgeGateway.Updates;

namespace EdgeGateway.Tests.Deploy;

/// <summary>The real deploy/update-guard.sh on a temporary install folder: crash loop, deadline, garbled state.</summary>
public sealed class UpdateGuardTests : IDisposable
{
    private static readonly string Guard = Path.Combine(RepoRoot.Path, "deploy", "update-guard.sh");
    private readonly string _tmp = Directory.CreateTempSubdirectory("update-guard-").FullName;
    private readonly string _opt;
    private readonly string _data;

    public UpdateGuardTests()
    {
        _opt = Path.Combine(_tmp, "opt");
        _data = Path.Combine(_tmp, "data");
        foreach (var v in new[] { "1.0.0+aaa", "1.1.0+bbb" })
        {
            Directory.CreateDirectory(Path.Combine(_opt, "releases", v));
        }

        File.CreateSymbolicLink(Path.Combine(_opt, "current"), "releases/1.1.0+bbb");
    }

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private string StatePath => UpdateState.PathIn(_data);

    private string Current => new FileInfo(Path.Combine(_opt, "current")).LinkTarget!;

    private void Trial(long switchedAt, int starts = 0, int maxStarts = 3, int gateSeconds = 300) =>
        new UpdateState(UpdatePhase.Trial, "1.1.0+bbb", "1.0.0+aaa", "releases/1.1.0+bbb", "releases/1.0.0+aaa", switchedAt, gateSeconds, starts, maxStarts, "wave-1", 1234, "", "", false)
            .Write(StatePath);

    private (int Code, string Err) RunGuard()
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(Guard);
        psi.ArgumentList.Add(_opt);
        psi.ArgumentList.Add(_data);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(30_000), "the guard did not finish within 30 s");
        return (p.ExitCode, err.Result);
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public void A_crash_loop_is_rolled_back_after_max_starts()
    {
        Trial(Now);
        for (var start = 1; start <= 3; start++)
        {
            Assert.Equal(0, RunGuard().Code);
            var state = UpdateState.Read(StatePath)!;
            Assert.Equal(UpdatePhase.Trial, state.Phase);
            Assert.Equal(start, state.Starts);
            Assert.Equal("releases/1.1.0+bbb", Current);
        }

        var (code, err) = RunGuard();

        Assert.Equal(0, code);
        Assert.Contains("rolled back from 1.1.0+bbb to releases/1.0.0+aaa", err, StringComparison.Ordinal);
        Assert.Equal("releases/1.0.0+aaa", Current);
        var rolled = UpdateState.Read(StatePath)!;
        Assert.Equal(UpdatePhase.RolledBack, rolled.Phase);
        Assert.Equal("start", rolled.Stage);
        Assert.Equal("crash loop: started 3 times without passing its health gate", rolled.Reason);
        Assert.False(rolled.Reported);
        Assert.Equal(4, rolled.Starts);

        // The C# side reads what bash wrote, every key kept.
        Assert.Equal("wave-1", rolled.Rollout);
        Assert.Equal(1234, rolled.DownloadedBytes);
        Assert.Equal("1.0.0+aaa", rolled.FromVersion);

        // Rolled back is final: the next start leaves it alone.
        Assert.Equal(0, RunGuard().Code);
        Assert.Equal(UpdatePhase.RolledBack, UpdateState.Read(StatePath)!.Phase);
        Assert.Equal("releases/1.0.0+aaa", Current);
    }

    [Fact]
    public void A_release_still_on_trial_a_minute_past_its_deadline_is_rolled_back()
    {
        Trial(Now - 300 - 61);

        Assert.Equal(0, RunGuard().Code);

        Assert.Equal("releases/1.0.0+aaa", Current);
        var state = UpdateState.Read(StatePath)!;
        Assert.Equal(UpdatePhase.RolledBack, state.Phase);
        Assert.Equal("start", state.Stage);
        Assert.Equal("did not pass its health gate within 300 s (it did not start or hung)", state.Reason);
    }

    [Fact]
    public void Within_the_deadline_a_start_is_only_counted()
    {
        Trial(Now - 300 - 30, starts: 1);

        Assert.Equal(0, RunGuard().Code);

        Assert.Equal("releases/1.1.0+bbb", Current);
        Assert.Equal(2, UpdateState.Read(StatePath)!.Starts);
    }

    [Theory]
    [InlineData("state=trial\nversion=1.1.0+bbb\nfrom=releases/1.0.0+aaa\nswitched_at=soon\ngate_seconds=300\nstarts=9\nmax_starts=3\n")]
    [InlineData("state=trial\nversion=1.1.0+bbb\nfrom=../../etc\nswitched_at=1\ngate_seconds=300\nstarts=9\nmax_starts=3\n")]
    [InlineData("state=trial\nversion=1.1.0+bbb\nfrom=releases/0.9.0+gone\nswitched_at=1\ngate_seconds=300\nstarts=9\nmax_starts=3\n")]
    [InlineData("\u0000\u0001garbage")]
    [InlineData("")]
    public void A_garbled_state_is_left_untouched_and_the_start_goes_on(string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StatePath)!);
        File.WriteAllText(StatePath, text);

        Assert.Equal(0, RunGuard().Code);

        Assert.Equal(text, File.ReadAllText(StatePath));
        Assert.Equal("releases/1.1.0+bbb", Current);
    }

    [Fact]
    public void No_state_file_and_no_arguments_are_nothing_to_do()
    {
        Assert.Equal(0, RunGuard().Code);
        Assert.False(File.Exists(StatePath));
        Assert.Equal("releases/1.1.0+bbb", Current);
    }
}
