using System.Net;
using EdgeGateway.Centre.Web;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// Operator login limits and the accounts file read again, on a <see cref="FakeTimeProvider"/>: guessing is refused with
/// growing lockouts per name and per address before any PBKDF2, a nurse already logged in keeps working, and an operator
/// removed from the file is refused at the next read.
/// </summary>
public sealed class OperatorLoginsTests : IDisposable
{
    private const int FastIterations = 10_000;
    private static readonly IPAddress Tablet = IPAddress.Parse("10.0.0.5");
    private static readonly IPAddress Guesser = IPAddress.Parse("10.0.0.66");
    private static readonly IPAddress Office = IPAddress.Parse("10.0.0.7");
    private readonly string _dir = Directory.CreateTempSubdirectory("operator-logins-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero));
    private readonly RecordingLogger _audit = new();
    private readonly List<OperatorLogins> _started = [];

    public void Dispose()
    {
        foreach (var logins in _started)
        {
            logins.Dispose();
        }

        Directory.Delete(_dir, recursive: true);
    }

    private string AccountsFile => Path.Combine(_dir, "operators");

    private OperatorLogins Start(LoginLimits? limits = null)
    {
        OperatorAccounts.AddOrReplace(AccountsFile, "Nurse Berit", "correct horse", FastIterations);
        OperatorAccounts.AddOrReplace(AccountsFile, "Nurse Kari", "battery staple", FastIterations);
        var logins = new OperatorLogins(OperatorAccounts.Load(AccountsFile), _time, _audit, limits);
        _started.Add(logins);
        return logins;
    }

    private int Refusals => _audit.Entries.Count(e => e.Message.StartsWith("Login refused for operator", StringComparison.Ordinal));

    [Fact]
    public async Task Failures_for_one_name_lock_it_out_with_doubling_delays_and_a_locked_name_costs_no_password_check()
    {
        var logins = Start();
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(new LoginResult(LoginOutcome.Refused, TimeSpan.Zero), await logins.CheckAsync("Nurse Berit", $"guess {i}", Guesser));
        }

        // The sixth failure locks the name for 1 s; meanwhile even the right password, from anywhere, is not looked at.
        Assert.Equal(new LoginResult(LoginOutcome.Refused, TimeSpan.FromSeconds(1)), await logins.CheckAsync("Nurse Berit", "guess 6", Guesser));
        var checks = logins.PasswordChecks;
        Assert.Equal(new LoginResult(LoginOutcome.TooMany, TimeSpan.FromSeconds(1)), await logins.CheckAsync("Nurse Berit", "correct horse", Office));
        Assert.Equal(checks, logins.PasswordChecks);

        // Each further failure doubles the lockout.
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new LoginResult(LoginOutcome.Refused, TimeSpan.FromSeconds(2)), await logins.CheckAsync("Nurse Berit", "guess 7", Guesser));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(LoginOutcome.TooMany, (await logins.CheckAsync("Nurse Berit", "guess 8", Guesser)).Outcome);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new LoginResult(LoginOutcome.Refused, TimeSpan.FromSeconds(4)), await logins.CheckAsync("Nurse Berit", "guess 8", Guesser));

        // Once it has passed, the right password from another address logs in.
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(LoginOutcome.Accepted, (await logins.CheckAsync("Nurse Berit", "correct horse", Office)).Outcome);

        // One audit line per refusal, naming the name and address, never the password.
        Assert.Equal(10, Refusals);
        Assert.Contains(_audit.Entries, e => e.Message == "Login refused for operator 'Nurse Berit' from 10.0.0.7: locked out after repeated failures, 1 s left");
        Assert.Contains(_audit.Entries, e => e.Message == "Login refused for operator 'Nurse Berit' from 10.0.0.66: wrong password (failure 6, locked out for 1 s)");
        Assert.DoesNotContain(_audit.Entries, e => e.Message.Contains("guess", StringComparison.Ordinal) || e.Message.Contains("correct horse", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Guessing_many_names_from_one_address_locks_that_address_while_a_nurse_elsewhere_logs_in()
    {
        var logins = Start();
        for (var i = 1; i <= 6; i++)
        {
            await logins.CheckAsync($"operator{i}", "123456", Guesser);
        }

        var checks = logins.PasswordChecks;
        Assert.Equal(new LoginResult(LoginOutcome.TooMany, TimeSpan.FromSeconds(1)), await logins.CheckAsync("operator7", "123456", Guesser));
        Assert.Equal(checks, logins.PasswordChecks);
        Assert.Contains(_audit.Entries, e => e.Message == "Login refused for operator 'operator1' from 10.0.0.66: unknown operator (failure 1)");
        Assert.Equal(LoginOutcome.Accepted, (await logins.CheckAsync("Nurse Kari", "battery staple", Tablet)).Outcome);

        // What the client sent is one printable line in the audit log.
        _time.Advance(TimeSpan.FromHours(2));
        await logins.CheckAsync("evil\nLogin accepted for 'admin'", "x", Office);
        Assert.Contains(_audit.Entries, e => e.Message.StartsWith("Login refused for operator 'evil?Login accepted for 'admin'' from 10.0.0.7", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_nurse_logged_in_on_her_tablet_keeps_working_while_her_name_is_locked_by_guessing_elsewhere()
    {
        var logins = Start();
        Assert.Equal(LoginOutcome.Accepted, (await logins.CheckAsync("Nurse Berit", "correct horse", Tablet)).Outcome);
        for (var i = 1; i <= 6; i++)
        {
            await logins.CheckAsync("Nurse Berit", $"guess {i}", Guesser);
        }

        var checks = logins.PasswordChecks;
        Assert.Equal(LoginOutcome.Accepted, (await logins.CheckAsync("Nurse Berit", "correct horse", Tablet)).Outcome);
        Assert.Equal(checks, logins.PasswordChecks);

        // The same password from any other address is locked out like a guess: the remembered login is the tablet's.
        Assert.Equal(LoginOutcome.TooMany, (await logins.CheckAsync("Nurse Berit", "correct horse", Office)).Outcome);
        Assert.Equal(LoginOutcome.TooMany, (await logins.CheckAsync("Nurse Berit", "correct horse", Guesser)).Outcome);
    }

    [Fact]
    public async Task Failures_are_forgotten_after_an_hour_without_one()
    {
        var logins = Start();
        for (var i = 1; i <= 5; i++)
        {
            await logins.CheckAsync("Nurse Kari", "typo", Tablet);
        }

        _time.Advance(TimeSpan.FromMinutes(61));
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(new LoginResult(LoginOutcome.Refused, TimeSpan.Zero), await logins.CheckAsync("Nurse Kari", "typo", Tablet));
        }

        Assert.Equal(TimeSpan.FromSeconds(1), (await logins.CheckAsync("Nurse Kari", "typo", Tablet)).RetryAfter);
    }

    [Fact]
    public async Task A_changed_accounts_file_is_read_within_the_reload_interval_and_a_removed_operator_is_refused()
    {
        var logins = Start();
        Assert.Equal(LoginOutcome.Accepted, (await logins.CheckAsync("Nurse Berit", "correct horse", Tablet)).Outcome);
        Assert.Equal(LoginOutcome.Accepted, (await logins.CheckAsync("Nurse Kari", "battery staple", Office)).Outcome);
        var beritsFeed = logins.Revoked("Nurse Berit");
        var karisFeed = logins.Revoked("Nurse Kari");

        // Berit leaves, Eva joins: an edit of the file, no restart.
        var kari = File.ReadAllLines(AccountsFile).Single(l => l.StartsWith("Nurse Kari:", StringComparison.Ordinal));
        File.WriteAllLines(AccountsFile, ["# the night shift", kari, OperatorAccounts.CreateEntry("Nurse Eva", "long enough", FastIterations)]);
        Assert.Equal(LoginOutcome.Accepted, (await logins.CheckAsync("Nurse Berit", "correct horse", Tablet)).Outcome);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(LoginOutcome.Refused, (await logins.CheckAsync("Nurse Berit", "correct horse", Tablet)).Outcome);
        Assert.True(beritsFeed.IsCancellationRequested);
        Assert.False(karisFeed.IsCancellationRequested);
        Assert.Equal(LoginOutcome.Accepted, (await logins.CheckAsync("Nurse Kari", "battery staple", Office)).Outcome);
        Assert.Equal(LoginOutcome.Accepted, (await logins.CheckAsync("Nurse Eva", "long enough", Office)).Outcome);
        Assert.Contains(_audit.Entries, e => e.Message.EndsWith("read again: 2 operator(s)", StringComparison.Ordinal));

        // A half-edited, broken file keeps the operators read before, and says so.
        File.WriteAllText(AccountsFile, "Nurse Kari:pbkdf2-sha");
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(LoginOutcome.Accepted, (await logins.CheckAsync("Nurse Eva", "long enough", Office)).Outcome);
        Assert.Contains(_audit.Entries, e => e.Message.Contains("cannot be read (line 1: expected NAME:pbkdf2-sha256", StringComparison.Ordinal));

        // No file is nobody.
        File.Delete(AccountsFile);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(LoginOutcome.Refused, (await logins.CheckAsync("Nurse Eva", "long enough", Office)).Outcome);
        Assert.True(karisFeed.IsCancellationRequested);
    }
}
