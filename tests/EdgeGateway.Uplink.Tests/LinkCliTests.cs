using EdgeGateway.TestSupport;

namespace EdgeGateway.Uplink.Tests;

/// <summary>The run/central commands refuse an insecure or unusable link before they open anything, naming the option and the file.</summary>
public sealed class LinkCliTests : IDisposable
{
    private readonly TestPki _pki = TestPki.Create();
    private readonly string _dir = Directory.CreateTempSubdirectory("linkcli-").FullName;

    public void Dispose()
    {
        _pki.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Run_refuses_plain_tcp_without_the_demo_flag()
    {
        var r = await CliRunner.RunAsync(TimeSpan.FromSeconds(30), "run", "--broker", "mqtt://127.0.0.1:1883", "--data-dir", _dir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--broker", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("--plain-loopback-demo", r.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "outbox.db")), "nothing may be half-applied: the outbox was created");
    }

    [Fact]
    public async Task Run_refuses_a_world_readable_key_naming_file_and_mode()
    {
        var (cert, key) = _pki.IssueClient("gw-a");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var r = await CliRunner.RunAsync(TimeSpan.FromSeconds(30), "run", "--broker", "mqtts://127.0.0.1:8883", "--secondary-broker", "mqtts://localhost:8884", "--data-dir", _dir, "--ca-file", _pki.CaFile, "--cert-file", cert, "--key-file", key);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"--key-file '{key}' has mode 0644", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Central_refuses_plain_tcp_to_a_remote_host_even_as_a_demo()
    {
        var r = await CliRunner.RunAsync(TimeSpan.FromSeconds(30), "central", "--broker", "mqtt://192.0.2.1:1883", "--plain-loopback-demo");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("non-loopback host '192.0.2.1'", r.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    public async Task Central_refuses_an_ack_batch_out_of_range_before_connecting(string batch)
    {
        var r = await CliRunner.RunAsync(TimeSpan.FromSeconds(30), "central", "--broker", "mqtt://127.0.0.1:1", "--plain-loopback-demo", "--ack-batch", batch);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"--ack-batch {batch} is invalid: expected 1 to 1000", r.StdErr, StringComparison.Ordinal);
    }
}
