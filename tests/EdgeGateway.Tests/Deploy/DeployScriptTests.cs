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
        foreach (var f in new[] { "install.sh", "update.sh", "update-guard.sh", "edgegateway.service", "config.example.json" })
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

    private (int Code, string Out, string Err) Run(string script, params string[] args) => Run(script, unsignedDir: true, args);

    // The folder releases of the first tests carry no signature: they run as a bench would (ALLOW_UNSIGNED_DIR=1).
    // The signed tests verify with the real CLI (the fake installed app is a shell script).
    private (int Code, string Out, string Err) Run(string script, bool unsignedDir, params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["EDGEGATEWAY_ROOT"] = _root;
        psi.Environment["SYSTEM_RUN"] = _fakeSystem;
        psi.Environment["EDGEGATEWAY_VERIFY"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "edgegateway.dll")}";
        if (unsignedDir)
        {
            psi.Environment["ALLOW_UNSIGNED_DIR"] = "1";
        }

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

        // The start guard sits beside the releases (the unit's ExecStartPre), and the service user owns the install folder to switch current itself.
        Assert.True(File.GetUnixFileMode(Path.Combine(_root, "opt/edgegateway/update-guard.sh")).HasFlag(UnixFileMode.UserExecute));
        Assert.Contains("SUBSYSTEM==\"i2c-dev\"", File.ReadAllText(Path.Combine(_root, "etc/udev/rules.d/60-edgegateway.rules")), StringComparison.Ordinal);
        var log = File.ReadAllText(_log);
        Assert.Contains("useradd --system", log, StringComparison.Ordinal);
        Assert.Contains("usermod -a -G gpio,i2c,dialout edgegateway", log, StringComparison.Ordinal);
        Assert.Contains("systemctl enable edgegateway.service", log, StringComparison.Ordinal);
        Assert.Contains($"chown edgegateway:edgegateway {_root}/opt/edgegateway {_root}/opt/edgegateway/releases", log, StringComparison.Ordinal);

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

    // A release folder packed as deploy/release.sh packs it: NAME/… in a .tar.gz, with a BUILDINFO.
    private string Pack(string releaseDir, string version)
    {
        File.WriteAllText(Path.Combine(releaseDir, "BUILDINFO"), "sdk=10.0.401\nruntime=10.0.12\nrid=linux-arm64\ntrimmed=true\n");
        var archive = Path.Combine(_tmp, $"edgegateway-{version}-linux-arm64.tar.gz");
        var tar = Process.Start(new ProcessStartInfo("tar", ["-czf", archive, "-C", Path.GetDirectoryName(releaseDir)!, "--transform", $"s,^{Path.GetFileName(releaseDir)},edgegateway-{version}-linux-arm64,", Path.GetFileName(releaseDir)]))!;
        Assert.True(tar.WaitForExit(30_000) && tar.ExitCode == 0, "tar failed");
        return archive;
    }

    private static void Sign(string archive, string keys, params string[] extra)
    {
        using var key = Releases.ReleaseSigning.ImportPrivateKey(File.ReadAllText(Path.Combine(keys, "release-signing.key")), "key");
        var rollback = extra.Contains("--rollback");
        Releases.ReleaseSigning.Write(Releases.ReleaseSigning.Sign(archive, key, rollback: rollback), archive + ".sig");
    }

    private static string Keys(string dir)
    {
        Directory.CreateDirectory(dir);
        var (privatePem, publicPem) = Releases.ReleaseSigning.NewKeyPair();
        File.WriteAllText(Path.Combine(dir, "release-signing.key"), privatePem);
        File.WriteAllText(Path.Combine(dir, "release-signing.pub"), publicPem);
        return dir;
    }

    [Fact]
    public void Only_a_release_signed_by_a_trusted_key_unchanged_and_not_older_is_installed()
    {
        var a = MakeRelease("1.0.0+aaa", healthy: true);
        Assert.Equal(0, Run(Path.Combine(a, "install.sh")).Code);
        int Restarts() => File.ReadAllLines(_log).Count(l => l.StartsWith("systemctl restart", StringComparison.Ordinal));
        var restarts = Restarts();
        var trustedDir = Path.Combine(_root, "etc/edgegateway/release-keys");
        Assert.True(Directory.Exists(trustedDir), "install.sh makes the trusted keys' folder");
        var update = Path.Combine(DeployDir, "update.sh");
        var keys = Keys(Path.Combine(_tmp, "keys"));
        var foreign = Keys(Path.Combine(_tmp, "foreign"));
        var next = Pack(MakeRelease("1.1.0+bbb", healthy: true), "1.1.0+bbb");
        Sign(next, keys);

        // No trusted key yet: nothing can be verified, so nothing is installed; a folder carries no signature.
        var noKeys = Run(update, unsignedDir: false, next, "10");
        Assert.Equal(2, noKeys.Code);
        Assert.Contains("no trusted release keys", noKeys.Err, StringComparison.Ordinal);
        var folder = Run(update, unsignedDir: false, MakeRelease("1.1.1+fff", healthy: true), "10");
        Assert.Equal(2, folder.Code);
        Assert.Contains("is a folder, which carries no signature", folder.Err, StringComparison.Ordinal);
        File.Copy(Path.Combine(keys, "release-signing.pub"), Path.Combine(trustedDir, "municipality.pub"));

        // A changed byte, then a release signed by a foreign key: refused, the installed release untouched.
        var tampered = Path.Combine(_tmp, "tampered.tar.gz");
        var bytes = File.ReadAllBytes(next);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(tampered, bytes);
        File.Copy(next + ".sig", tampered + ".sig");
        var changed = Run(update, unsignedDir: false, tampered, "10");
        Assert.Equal(3, changed.Code);
        Assert.Contains("is not the archive that was signed", changed.Err, StringComparison.Ordinal);
        var stranger = Pack(MakeRelease("1.2.0+ccc", healthy: true), "1.2.0+ccc");
        Sign(stranger, foreign);
        var foreignResult = Run(update, unsignedDir: false, stranger, "10");
        Assert.Equal(3, foreignResult.Code);
        Assert.Contains("which is not trusted here", foreignResult.Err, StringComparison.Ordinal);
        Assert.Equal("releases/1.0.0+aaa", Current());
        Assert.Equal(restarts, Restarts());

        // The signed one goes in; an older one after it is a downgrade, unless signed as a rollback.
        var good = Run(update, unsignedDir: false, next, "10");
        Assert.True(good.Code == 0, good.Err);
        Assert.Equal("releases/1.1.0+bbb", Current());
        var older = Pack(MakeRelease("1.0.5+ddd", healthy: true), "1.0.5+ddd");
        Sign(older, keys);
        var downgrade = Run(update, unsignedDir: false, older, "10");
        Assert.Equal(3, downgrade.Code);
        Assert.Contains("a downgrade is refused unless the release is signed as a rollback", downgrade.Err, StringComparison.Ordinal);
        Assert.Equal("releases/1.1.0+bbb", Current());
        Sign(older, keys, "--rollback");
        var rollback = Run(update, unsignedDir: false, older, "10");
        Assert.True(rollback.Code == 0, rollback.Err);
        Assert.Equal("releases/1.0.5+ddd", Current());
    }

    public void Dispose() => Directory.Delete(_tmp, recursive: true);
}
