using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Web;

/// <summary>
/// Operator login for the page and API over <see cref="OperatorAccounts"/>: limits guessing per name and per address with
/// growing lockouts, writes an audit line per refusal, and reads the accounts file again when it changes, so a removed
/// operator is refused within seconds and their live feed ends. Cheap for what it refuses: a locked-out name or address,
/// or a second check from an address already being checked, is refused before any PBKDF2, and at most one PBKDF2 runs at
/// a time, so guessing neither slows the nurses' requests nor the event ingest.
/// </summary>
public sealed partial class OperatorLogins : IDisposable
{
    // Past this many names and addresses with failures, the forgotten ones are dropped (a scan of random names).
    private const int MaxTracked = 10_000;

    private readonly TimeProvider _time;
    private readonly ILogger _audit;
    private readonly LoginLimits _limits;
    private readonly ITimer _reload;
    private readonly Lock _lock = new();
    private readonly Lock _reloading = new();
    private readonly Dictionary<string, Failures> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _checking = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _pbkdf2 = new(1, 1);
    private readonly Dictionary<string, CancellationTokenSource> _revoked = new(StringComparer.Ordinal);

    // A login the page repeats on every request costs one PBKDF2 the first time only: remembered under a keyed hash of
    // name, password and address (the key never leaves this process), so the password is not kept, and a guess from
    // another address never matches it. It passes even while the name is locked out by somebody else's guessing.
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, string> _verified = new(StringComparer.Ordinal);
    private volatile OperatorAccounts _accounts;
    private byte[] _fileBytes;
    private long _passwordChecks;

    /// <summary>Starts from <paramref name="accounts"/> and reads its file again every <see cref="LoginLimits.ReloadInterval"/> of <paramref name="time"/>.</summary>
    public OperatorLogins(OperatorAccounts accounts, TimeProvider time, ILogger audit, LoginLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(audit);
        _accounts = accounts;
        _time = time;
        _audit = audit;
        _limits = limits ?? new LoginLimits();
        _fileBytes = TryRead(accounts.Path) ?? [];
        _reload = time.CreateTimer(_ => Reload(), null, _limits.ReloadInterval, _limits.ReloadInterval);
    }

    /// <summary>The accounts as last read.</summary>
    public OperatorAccounts Accounts => _accounts;

    /// <summary>How many PBKDF2 checks ran: what a refused guess must not cost (the tests read it).</summary>
    internal long PasswordChecks => Interlocked.Read(ref _passwordChecks);

    /// <summary>Checks a login from <paramref name="address"/>; logs an audit line (event 3251) for every refusal.</summary>
    public async Task<LoginResult> CheckAsync(string name, string password, IPAddress? address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(password);
        var from = address?.ToString() ?? "unknown";
        var accounts = _accounts;
        var key = Convert.ToHexString(HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(name + "\0" + password + "\0" + from)));
        if (_verified.TryGetValue(key, out var known) && known == name && accounts.Has(name))
        {
            return new LoginResult(LoginOutcome.Accepted, TimeSpan.Zero);
        }

        var locked = LockedFor(name, from);
        if (locked > TimeSpan.Zero)
        {
            LogRefused(_audit, Printable(name), from, $"locked out after repeated failures, {Seconds(locked)} s left");
            return new LoginResult(LoginOutcome.TooMany, locked);
        }

        // One check per address at a time: a burst of parallel guesses cannot slip past the count before it is kept.
        if (!_checking.TryAdd(from, 0))
        {
            LogRefused(_audit, Printable(name), from, "another login from this address is being checked");
            return new LoginResult(LoginOutcome.TooMany, TimeSpan.FromSeconds(1));
        }

        bool ok;
        try
        {
            await _pbkdf2.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                Interlocked.Increment(ref _passwordChecks);
                ok = accounts.Verify(name, password);
            }
            finally
            {
                _pbkdf2.Release();
            }
        }
        finally
        {
            _checking.TryRemove(from, out _);
        }

        if (ok)
        {
            lock (_lock)
            {
                _failures.Remove(NameKey(name));
            }

            if (_verified.Count > 1000)
            {
                _verified.Clear();
            }

            _verified[key] = name;
            return new LoginResult(LoginOutcome.Accepted, TimeSpan.Zero);
        }

        var (count, lockout) = Fail(name, from);
        LogRefused(_audit, Printable(name), from, (accounts.Has(name) ? "wrong password" : "unknown operator")
            + $" (failure {count}{(lockout > TimeSpan.Zero ? $", locked out for {Seconds(lockout)} s" : "")})");
        return new LoginResult(LoginOutcome.Refused, lockout);
    }

    /// <summary>Cancelled when <paramref name="name"/> is removed from the accounts file or gets a new password.</summary>
    public CancellationToken Revoked(string name)
    {
        lock (_lock)
        {
            if (!_accounts.Has(name))
            {
                return new CancellationToken(canceled: true);
            }

            if (!_revoked.TryGetValue(name, out var source))
            {
                source = new CancellationTokenSource();
                _revoked[name] = source;
            }

            return source.Token;
        }
    }

    /// <summary>Reads the accounts file again if it changed (the timer calls it); a bad file keeps the last good accounts.</summary>
    internal void Reload()
    {
        lock (_reloading)
        {
            ReloadOnce();
        }
    }

    private void ReloadOnce()
    {
        var path = _accounts.Path;
        var bytes = TryRead(path) ?? [];
        if (bytes.AsSpan().SequenceEqual(_fileBytes))
        {
            return;
        }

        _fileBytes = bytes;
        OperatorAccounts fresh;
        try
        {
            // A missing or empty file is nobody: every login is refused until an operator is added again.
            fresh = OperatorAccounts.FromLines(path, Encoding.UTF8.GetString(bytes).Split('\n').Select(l => l.TrimEnd('\r')));
        }
        catch (FormatException ex)
        {
            LogBadFile(_audit, path, ex.Message);
            return;
        }

        var old = _accounts;
        List<CancellationTokenSource> ended = [];
        lock (_lock)
        {
            _accounts = fresh;
            foreach (var (name, source) in _revoked.ToList())
            {
                if (!fresh.SameEntry(old, name))
                {
                    _revoked.Remove(name);
                    ended.Add(source);
                }
            }
        }

        foreach (var (key, name) in _verified)
        {
            if (!fresh.SameEntry(old, name))
            {
                _verified.TryRemove(key, out _);
            }
        }

        LogReloaded(_audit, path, fresh.Count);
        foreach (var source in ended)
        {
            source.Cancel();
            source.Dispose();
        }
    }

    private static byte[]? TryRead(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private TimeSpan LockedFor(string name, string from)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            return Max(Remaining(NameKey(name), now), Remaining(AddressKey(from), now));
        }
    }

    private TimeSpan Remaining(string key, long now) =>
        _failures.TryGetValue(key, out var f) && f.LockedUntil > now ? _time.GetElapsedTime(now, f.LockedUntil) : TimeSpan.Zero;

    private (int Count, TimeSpan Lockout) Fail(string name, string from)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (_failures.Count > MaxTracked)
            {
                foreach (var (k, f) in _failures.ToList())
                {
                    if (_time.GetElapsedTime(f.Last, now) > _limits.Forget)
                    {
                        _failures.Remove(k);
                    }
                }
            }

            var (byName, nameLock) = Count(NameKey(name), now);
            var (byAddress, addressLock) = Count(AddressKey(from), now);
            return (Math.Max(byName, byAddress), Max(nameLock, addressLock));
        }
    }

    private (int Count, TimeSpan Lockout) Count(string key, long now)
    {
        if (!_failures.TryGetValue(key, out var f) || _time.GetElapsedTime(f.Last, now) > _limits.Forget)
        {
            f = new Failures();
            _failures[key] = f;
        }

        f.Count++;
        f.Last = now;
        if (f.Count <= _limits.FreeFailures)
        {
            return (f.Count, TimeSpan.Zero);
        }

        // Doubling from the first lockout, capped (the shift is capped too, so it cannot overflow).
        var lockout = TimeSpan.FromTicks(Math.Min(_limits.MaxLockout.Ticks, _limits.FirstLockout.Ticks << Math.Min(f.Count - _limits.FreeFailures - 1, 30)));
        f.LockedUntil = now + (long)(lockout.TotalSeconds * _time.TimestampFrequency);
        return (f.Count, lockout);
    }

    private static string NameKey(string name) => "name:" + name;

    private static string AddressKey(string address) => "address:" + address;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static long Seconds(TimeSpan t) => (long)Math.Ceiling(t.TotalSeconds);

    // The name is whatever the client sent: one line, no control characters, not a page of text, in the audit log.
    private static string Printable(string name)
    {
        var cut = name.Length > 128 ? name[..128] + "…" : name;
        return cut.Any(char.IsControl) ? new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray()) : cut;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _reload.Dispose();
        _pbkdf2.Dispose();
        lock (_lock)
        {
            foreach (var source in _revoked.Values)
            {
                source.Dispose();
            }

            _revoked.Clear();
        }
    }

    [LoggerMessage(EventId = 3251, Level = LogLevel.Warning, Message = "Login refused for operator '{Operator}' from {Address}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string @operator, string address, string reason);

    [LoggerMessage(EventId = 3252, Level = LogLevel.Information, Message = "Operator accounts {Path} read again: {Count} operator(s)")]
    private static partial void LogReloaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 3253, Level = LogLevel.Error, Message = "Operator accounts {Path} changed but cannot be read ({Reason}): the operators read before stay")]
    private static partial void LogBadFile(ILogger logger, string path, string reason);

    private sealed class Failures
    {
        public int Count { get; set; }

        public long Last { get; set; }

        public long LockedUntil { get; set; }
    }
}
