using EdgeGateway.Configuration;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Tests.Configuration;

/// <summary>The config's update section: defaults when absent, every bad value named at its key.</summary>
public sealed class UpdateConfigTests
{
    [Fact]
    public void Without_an_update_section_the_defaults_hold_and_nothing_is_reported()
    {
        var config = GatewayConfig.Parse("""{ "gateway_id": "home-1", "simulated": true }""", "config");

        Assert.Equal("/opt/edgegateway", config.Update.InstallDir);
        Assert.Equal("/etc/edgegateway/release-keys", config.Update.KeysDir);
        Assert.Equal(300, config.Update.GateSeconds);
        Assert.Equal(3, config.Update.MaxStarts);
        Assert.Null(config.Update.CaFile);
        Assert.DoesNotContain(config.Validate().Lines(), l => l.StartsWith("update.", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_bad_value_is_named_at_its_key()
    {
        var config = GatewayConfig.Parse(
            """{ "gateway_id": "home-1", "simulated": true, "update": { "install_dir": "opt", "keys_dir": "", "gate_seconds": 5, "max_starts": 0, "ca_file": "ca.pem" } }""",
            "config");

        var lines = config.Validate().Lines().Where(l => l.StartsWith("update.", StringComparison.Ordinal)).ToList();

        Assert.Contains("update.install_dir: 'opt' is not an absolute path", lines);
        Assert.Contains("update.keys_dir: '' is not an absolute path", lines);
        Assert.Contains(lines, l => l.StartsWith("update.gate_seconds: 5 is out of range; expected 10–3600", StringComparison.Ordinal));
        Assert.Contains("update.max_starts: 0 is out of range; expected 1–20", lines);
        Assert.Contains("update.ca_file: 'ca.pem' is not an absolute path to a PEM file", lines);
    }

    [Fact]
    public void An_unknown_key_in_the_section_is_refused_with_its_line()
    {
        var ex = Assert.Throws<EdgeGateway.Core.Configuration.ConfigurationException>(() =>
            GatewayConfig.Parse("""{ "gateway_id": "home-1", "update": { "gate_second": 60 } }""", "config"));

        Assert.Contains(ex.Errors, e => e.Contains("unknown key 'gate_second'", StringComparison.Ordinal) && e.Contains("gate_seconds", StringComparison.Ordinal));
    }
}
