using EdgeGateway.TestSupport;

namespace EdgeGateway.Centre.Tests;

/// <summary><c>edgegateway central</c> refuses bad options with a message naming the option, before it touches the broker or the archive.</summary>
public sealed class CentralCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("central-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("--web", "0.0.0.0:8080", "--web: '0.0.0.0:8080' is not a loopback address")]
    [InlineData("--web", "localhost", "--web: 'localhost' is not ADDRESS:PORT")]
    [InlineData("--daily-test-by", "25:00", "--daily-test-by '25:00' is invalid")]
    [InlineData("--offline-grace", "-1", "--offline-grace -1 is invalid")]
    [InlineData("--escalation-webhook", "ftp://x/", "--escalation-webhook 'ftp://x/' is invalid")]
    [InlineData("--store", "postgres://", "--store postgres://: cannot open the archive")]
    public async Task A_bad_option_is_refused_with_its_name_and_leaves_no_archive(string option, string value, string expected)
    {
        var store = Path.Combine(_dir, "centre.db");
        var args = option == "--store" ? new[] { "central", "--broker", "mqtt://127.0.0.1:1", "--plain-loopback-demo", option, value } : ["central", "--broker", "mqtt://127.0.0.1:1", "--plain-loopback-demo", "--store", store, option, value];
        var r = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), args);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(store));
    }
}
