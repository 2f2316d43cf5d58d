using System.Diagnostics;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Tests.Deploy;

/// <summary>
/// Runs the real install and update scripts against a temporary root, with system commands (useradd, systemctl,
/// udevadm) recorded by a fake that also plays the service: it writes health.json only for a healthy release.
/// </summary>
public sealed class DeployScriptTests : IDisposable
{
    private static readonly string DeployDir = Path.Combine(RepoRoot.Path, "deploy");
    private readonly string _tmp = Directory.CreateTempSubdirectory("deploy-test-").FullName;
    private readonly string _root;
    private readonly string _fakeSystem;
    private readonly string _log;

    public DeployScriptTests()
    {
        _root = Path.Combine(_tmp, "root");
        Directory.CreateDirectory(_root);
        _log = Path.Combine(_tmp, "system.log");
        _fakeSystem = Path.Combine(_tmp, "fake-system.sh");
        File.WriteAllText(_fakeSystem, $$"""
            #!/usr/bin/env bash
            echo "$*" >> '{{_log}}'
            if [ "$1 $2" = "systemctl restart" ]; then
              cur='{{_root}}/opt/edgegateway/current'
              if [ -f "$cur/app/healthy" ]; then
                printf '{"armed": true, "version": "%s"}\n' "$(cat "$cur/VERSION")" > '{{_root}}/var/lib/edgegateway/health.json'
              else
                rm -f '{{_root}}/var/lib/edgegateway/health.json'
              fi
            fi
            exit 0
            """);
        File.SetUnixFileMode(_fakeSystem, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private string MakeRelease(string version, bool healthy)
    {
        var dir = Path.Combine(_tmp, "release-" + version);
        Directory.CreateDirectory(Path.Combine(dir, "app"));
        foreach (var f in new[] { "install.sh", "update.sh", "edgegateway.service", "config.example.json" })
        {
            File.Copy(Path.Combine(DeployDir, f), Path.Combine(dir, f));
        }

        File.WriteAllText(Path.Combine(dir, "VERSION"), version + "\n");
        var exe = Path.Combine(dir, "app", "edgegateway");
        File.WriteAllText(exe, "#!/bin/sh\necho " + version + "\n");
        File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (healthy)
        {
            File.WriteAllText(Path.Combine(dir, "app", "healthy"), "");
        }

        return dir;
    }

    private (int Code, string Out, string Err) Run(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["EDGEGATEWAY_ROOT"] = _root;
        psi.Environment["SYSTEM_RUN"] = _fakeSystem;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "script did not finish within 60 s");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private string Current() => new FileInfo(Path.Combine(_root, "opt/edgegateway/current")).LinkTarget!;

    [Fact]
    public void Install_lays_out_a_fresh_pi_and_is_idempotent()
    {
        var a = MakeRelease("1.0.0+aaa", healthy: true);
        var first = Run(Path.Combine(a, "install.sh"));
        Assert.True(first.Code == 0, first.Err);
        Assert.Equal("releases/1.0.0+aaa", Current());
        Assert.True(File.Exists(Path.Combine(_root, "etc/systemd/system/edgegateway.service")));
        Assert.Contains("SUBSYSTEM==\"i2c-dev\"", File.ReadAllText(Path.Combine(_root, "etc/udev/rules.d/60-edgegateway.rules")), StringComparison.Ordinal);
        var log = File.ReadAllText(_log);
        Assert.Contains("useradd --system", log, StringComparison.Ordinal);
        Assert.Contains("usermod -a -G gpio,i2c,dialout edgegateway", log, StringComparison.Ordinal);
        Assert.Contains("systemctl enable edgegateway.service", log, StringComparison.Ordinal);

        // A commissioned home's config survives a re-install.
        var config = Path.Combine(_root, "etc/edgegateway/config.json");
        File.WriteAllText(config, "{\"gatewayId\":\"commissioned\"}");
        var again = Run(Path.Combine(a, "install.sh"));
        Assert.True(again.Code == 0, again.Err);
        Assert.Equal("{\"gatewayId\":\"commissioned\"}", File.ReadAllText(config));
        Assert.Equal("releases/1.0.0+aaa", Current());
    }

    [Fact]
    public void Update_to_an_unhealthy_release_rolls_back_and_a_healthy_one_sticks()
    {
        var a = MakeRelease("1.0.0+aaa", healthy: true);
        Assert.Equal(0, Run(Path.Combine(a, "install.sh")).Code);
        var data = Path.Combine(_root, "var/lib/edgegateway/outbox.db");
        File.WriteAllText(data, "outbox");

        var bad = Run(Path.Combine(DeployDir, "update.sh"), MakeRelease("1.0.1+bad", healthy: false), "3");
        Assert.Equal(1, bad.Code);
        Assert.Contains("rolling back to releases/1.0.0+aaa", bad.Err, StringComparison.Ordinal);
        Assert.Equal("releases/1.0.0+aaa", Current());
        Assert.Contains("1.0.0+aaa", File.ReadAllText(Path.Combine(_root, "var/lib/edgegateway/health.json")), StringComparison.Ordinal);

        var good = Run(Path.Combine(DeployDir, "update.sh"), MakeRelease("1.0.2+good", healthy: true), "10");
        Assert.True(good.Code == 0, good.Err);
        Assert.Equal("releases/1.0.2+good", Current());
        Assert.Equal("outbox", File.ReadAllText(data));
    }

    [Fact]
    public void Update_refuses_something_that_is_not_a_release()
    {
        var a = MakeRelease("1.0.0+aaa", healthy: true);
        Assert.Equal(0, Run(Path.Combine(a, "install.sh")).Code);
        var junk = Directory.CreateDirectory(Path.Combine(_tmp, "junk")).FullName;
        var result = Run(Path.Combine(DeployDir, "update.sh"), junk);
        Assert.Equal(2, result.Code);
        Assert.Contains("is not a release", result.Err, StringComparison.Ordinal);
        Assert.Equal("releases/1.0.0+aaa", Current());
    }

    public void Dispose() => Directory.Delete(_tmp, recursive: true);
}
