using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeGateway.Centre.Web;

/// <summary>
/// The operators who may log in to the page and API (<c>--web-accounts FILE</c>): one line per operator,
/// <c>NAME:pbkdf2-sha256:ITERATIONS:SALT:HASH:roles=ROLE[,ROLE]</c> (salt and hash base64; roles from
/// <see cref="OperatorRoleNames"/>, e.g. <c>roles=nurse,technician</c>). A line of the five fields written before roles
/// existed (no sixth field) is still read, as the role nurse (<see cref="DefaultedToNurse"/>); the sixth field starts with
/// <c>roles=</c>, so neither form can be read as the other. An optional seventh field after the roles,
/// <c>zones=ZONE[,ZONE]</c> (<see cref="ZoneNames"/>), limits the operator to the homes of those zones; without it she sees
/// every zone. Only hashes are kept; a password never is.
/// </summary>
public sealed class OperatorAccounts
{
    /// <summary>PBKDF2-HMAC-SHA256 iterations for new entries (OWASP's 2023 figure); each entry keeps its own count.</summary>
    public const int DefaultIterations = 600_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private const string RolesField = "roles=";
    private const string ZonesField = "zones=";
    private const string Expected = $"NAME:{Scheme}:ITERATIONS:SALT:HASH:{RolesField}ROLE[,ROLE][:{ZonesField}ZONE[,ZONE]]";

    private static readonly Entry Decoy = new(DefaultIterations, RandomNumberGenerator.GetBytes(SaltBytes), new byte[HashBytes], OperatorRoles.None, FrozenSet<string>.Empty, false);
    private readonly Dictionary<string, Entry> _entries;

    private OperatorAccounts(string path, Dictionary<string, Entry> entries)
    {
        Path = path;
        _entries = entries;
    }

    /// <summary>How many operators there are.</summary>
    public int Count => _entries.Count;

    /// <summary>The file it was read from (<see cref="OperatorLogins"/> reads it again when it changes).</summary>
    public string Path { get; }

    /// <summary>The operators whose lines were written before roles existed and so hold the role nurse, in file order.</summary>
    public IReadOnlyList<string> DefaultedToNurse => _entries.Where(e => e.Value.Defaulted).Select(e => e.Key).ToList();

    /// <summary>The roles of <paramref name="name"/>, or <see cref="OperatorRoles.None"/> when there is no such operator.</summary>
    public OperatorRoles RolesOf(string name) => _entries.TryGetValue(name, out var entry) ? entry.Roles : OperatorRoles.None;

    /// <summary>The zones <paramref name="name"/> is limited to: null for every zone, an empty set when there is no such operator.</summary>
    public IReadOnlySet<string>? ZonesOf(string name) => _entries.TryGetValue(name, out var entry) ? entry.Zones : Decoy.Zones;

    /// <summary>True when <paramref name="name"/> is an operator.</summary>
    public bool Has(string name) => _entries.ContainsKey(name);

    /// <summary>True when <paramref name="name"/> is in both with the same password hash: a login verified against one still holds in the other.</summary>
    internal bool SameEntry(OperatorAccounts other, string name) =>
        _entries.TryGetValue(name, out var mine) && other._entries.TryGetValue(name, out var theirs)
        && mine.Iterations == theirs.Iterations && mine.Salt.AsSpan().SequenceEqual(theirs.Salt) && mine.Hash.AsSpan().SequenceEqual(theirs.Hash);

    /// <summary>Reads an accounts file.</summary>
    /// <exception cref="FormatException">A line is not a valid entry (the message names the line), a name repeats, or there is no entry.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static OperatorAccounts Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var accounts = FromLines(path, File.ReadAllLines(path));
        return accounts.Count == 0 ? throw new FormatException("no operator in the file: add one with `edgegateway central add-operator`") : accounts;
    }

    /// <summary>Reads the accounts from <paramref name="lines"/> of <paramref name="path"/>; none is allowed (nobody may log in).</summary>
    /// <exception cref="FormatException">A line is not a valid entry (the message names the line) or a name repeats.</exception>
    internal static OperatorAccounts FromLines(string path, IEnumerable<string> lines)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var (name, entry) = Parse(line, number);
            if (!entries.TryAdd(name, entry))
            {
                throw new FormatException($"line {number}: operator '{name}' is listed twice");
            }
        }

        return new OperatorAccounts(path, entries);
    }

    private static (string Name, Entry Entry) Parse(string line, int number)
    {
        // Not trimmed at the front: a name with a leading space is refused rather than quietly renamed.
        var parts = line.TrimEnd().Split(':');
        if (parts.Length is not (5 or 6 or 7))
        {
            throw new FormatException($"line {number}: expected {Expected}");
        }

        if (ValidateName(parts[0]) is { } bad)
        {
            throw new FormatException($"line {number}: {bad}");
        }

        if (parts[1] != Scheme)
        {
            throw new FormatException($"line {number}: unknown hash scheme '{parts[1]}', expected {Scheme}");
        }

        if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 10_000)
        {
            throw new FormatException($"line {number}: iterations must be a whole number of at least 10000, got '{parts[2]}'");
        }

        byte[] salt, hash;
        try
        {
            salt = Convert.FromBase64String(parts[3]);
            hash = Convert.FromBase64String(parts[4]);
        }
        catch (FormatException)
        {
            throw new FormatException($"line {number}: salt and hash must be base64");
        }

        if (salt.Length < SaltBytes || hash.Length != HashBytes)
        {
            throw new FormatException($"line {number}: expected a salt of at least {SaltBytes} bytes and a hash of {HashBytes} bytes");
        }

        // Five fields: a line from before roles existed, which could only mean a nurse (all the page did then).
        var roles = OperatorRoles.Nurse;
        if (parts.Length >= 6)
        {
            // Zones only after roles: a five-field line stays what it always was, and the fields keep one order.
            if (parts[5].StartsWith(ZonesField, StringComparison.Ordinal))
            {
                throw new FormatException($"line {number}: {ZonesField} must follow a {RolesField} field, e.g. ...:HASH:{RolesField}nurse:{PrintableText.Of(parts[5])}");
            }

            if (!parts[5].StartsWith(RolesField, StringComparison.Ordinal))
            {
                throw new FormatException($"line {number}: the sixth field must be {RolesField}ROLE[,ROLE], got '{PrintableText.Of(parts[5])}'");
            }

            try
            {
                roles = OperatorRoleNames.Parse(parts[5][RolesField.Length..]);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"line {number}: {ex.Message}");
            }
        }

        IReadOnlySet<string>? zones = null;
        if (parts.Length == 7)
        {
            if (!parts[6].StartsWith(ZonesField, StringComparison.Ordinal))
            {
                throw new FormatException($"line {number}: the seventh field must be {ZonesField}ZONE[,ZONE], got '{PrintableText.Of(parts[6])}'");
            }

            try
            {
                zones = ZoneNames.ParseList(parts[6][ZonesField.Length..]);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"line {number}: {ex.Message}");
            }
        }

        return (parts[0], new Entry(iterations, salt, hash, roles, zones, parts.Length == 5));
    }

    /// <summary>Why <paramref name="name"/> cannot be an operator's name, or null when it can.</summary>
    public static string? ValidateName(string name) =>
        name is null || name.Trim().Length == 0 || name != name.Trim() || name.Length > 128 || name.Contains(':', StringComparison.Ordinal) || name.Any(char.IsControl)
            ? $"'{name}' is not a valid operator name: 1 to 128 printable characters, no ':' and no leading or trailing space"
            : null;

    /// <summary>The file line, in the form from before roles (the role nurse), for <paramref name="name"/> with a fresh salt and the PBKDF2 hash of <paramref name="password"/>.</summary>
    /// <exception cref="ArgumentException">The name is invalid or the password is shorter than 8 characters.</exception>
    public static string CreateEntry(string name, string password, int iterations = DefaultIterations) => CreateEntry(name, password, OperatorRoles.None, iterations);

    /// <summary>The file line for <paramref name="name"/> holding <paramref name="roles"/>, with a fresh salt and the PBKDF2 hash of <paramref name="password"/>.</summary>
    /// <exception cref="ArgumentException">The name is invalid, the password is shorter than 8 characters or <paramref name="roles"/> is not a set of known roles.</exception>
    public static string CreateEntry(string name, string password, OperatorRoles roles, int iterations = DefaultIterations)
    {
        // None writes the five-field line (the role nurse); kept so callers from before roles write what they always wrote.
        if ((roles & ~OperatorRoles.All) != 0)
        {
            throw new ArgumentException($"unknown roles {(int)roles}; valid roles: {OperatorRoleNames.Valid}", nameof(roles));
        }

        ArgumentNullException.ThrowIfNull(password);
        if (ValidateName(name) is { } bad)
        {
            throw new ArgumentException(bad, nameof(name));
        }

        if (password.Length < 8)
        {
            throw new ArgumentException("the password must have at least 8 characters", nameof(password));
        }

        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        var line = string.Create(CultureInfo.InvariantCulture, $"{name}:{Scheme}:{iterations}:{Convert.ToBase64String(salt)}:{Convert.ToBase64String(hash)}");
        return roles == OperatorRoles.None ? line : $"{line}:{RolesField}{OperatorRoleNames.Format(roles)}";
    }

    /// <summary>Adds <paramref name="name"/> to the file, or replaces its entry (a new password; the roles it had are kept); a new one gets the role nurse. Creates the file (mode 0600) when missing.</summary>
    /// <returns>True when the operator was new.</returns>
    /// <exception cref="FormatException">The existing file has a bad line; it is left as it was.</exception>
    public static bool AddOrReplace(string path, string name, string password, int iterations = DefaultIterations) =>
        AddOrReplace(path, name, password, OperatorRoles.None, iterations);

    /// <summary>
    /// Adds <paramref name="name"/> with <paramref name="roles"/> to the file, or replaces its entry (a new password, and the
    /// roles given; <see cref="OperatorRoles.None"/> keeps the ones it had; the zones it had are kept); creates the file
    /// (mode 0600) when missing.
    /// </summary>
    /// <returns>True when the operator was new.</returns>
    /// <exception cref="FormatException">The existing file has a bad line; it is left as it was.</exception>
    public static bool AddOrReplace(string path, string name, string password, OperatorRoles roles, int iterations = DefaultIterations) =>
        AddOrReplace(path, name, password, roles, keepZones: true, zones: null, iterations);

    /// <summary>
    /// Adds <paramref name="name"/> with <paramref name="roles"/> and <paramref name="zones"/> (null: every zone) to the file,
    /// or replaces its entry with a new password, the roles given (<see cref="OperatorRoles.None"/> keeps the ones it had) and
    /// those zones; one write, so a new operator is never seen without her zones.
    /// </summary>
    /// <returns>True when the operator was new.</returns>
    /// <exception cref="ArgumentException">A zone is invalid or <paramref name="zones"/> is empty.</exception>
    /// <exception cref="FormatException">The existing file has a bad line; it is left as it was.</exception>
    public static bool AddOrReplace(string path, string name, string password, OperatorRoles roles, IReadOnlySet<string>? zones, int iterations = DefaultIterations)
    {
        CheckZones(zones);
        return AddOrReplace(path, name, password, roles, keepZones: false, zones, iterations);
    }

    private static bool AddOrReplace(string path, string name, string password, OperatorRoles roles, bool keepZones, IReadOnlySet<string>? zones, int iterations)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (lines, at, kept) = ReadFor(path, name);
        var line = WithZones(
            CreateEntry(name, password, roles == OperatorRoles.None && at >= 0 && !kept.Defaulted ? kept.Roles : roles, iterations),
            keepZones && at >= 0 ? kept.Zones : zones);
        if (at >= 0)
        {
            lines[at] = line;
        }
        else
        {
            lines.Add(line);
        }

        Write(path, lines);
        return at < 0;
    }

    /// <summary>Gives the existing operator <paramref name="name"/> the roles <paramref name="roles"/>, keeping the password hash.</summary>
    /// <exception cref="ArgumentException">No roles, unknown roles, or no such operator in the file.</exception>
    /// <exception cref="FormatException">The existing file has a bad line; it is left as it was.</exception>
    public static void SetRoles(string path, string name, OperatorRoles roles)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (roles == OperatorRoles.None || (roles & ~OperatorRoles.All) != 0)
        {
            throw new ArgumentException($"give at least one role of: {OperatorRoleNames.Valid}", nameof(roles));
        }

        var (lines, at, _) = ReadFor(path, name);
        if (at < 0)
        {
            throw new ArgumentException($"no operator '{name}' in {path}", nameof(name));
        }

        var fields = lines[at].TrimEnd().Split(':');
        lines[at] = $"{string.Join(':', fields.Take(5))}:{RolesField}{OperatorRoleNames.Format(roles)}{(fields.Length == 7 ? ":" + fields[6] : "")}";
        Write(path, lines);
    }

    /// <summary>
    /// Limits the existing operator <paramref name="name"/> to <paramref name="zones"/>, or with null lets her see every zone,
    /// keeping the password hash and the roles (a line from before roles gets <c>roles=nurse</c> written out).
    /// </summary>
    /// <exception cref="ArgumentException">A zone is invalid, <paramref name="zones"/> is empty, or no such operator in the file.</exception>
    /// <exception cref="FormatException">The existing file has a bad line; it is left as it was.</exception>
    public static void SetZones(string path, string name, IReadOnlySet<string>? zones)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckZones(zones);
        var (lines, at, _) = ReadFor(path, name);
        if (at < 0)
        {
            throw new ArgumentException($"no operator '{name}' in {path}", nameof(name));
        }

        lines[at] = WithZones(string.Join(':', lines[at].TrimEnd().Split(':').Take(6)), zones);
        Write(path, lines);
    }

    private static void CheckZones(IReadOnlySet<string>? zones)
    {
        if (zones is null)
        {
            return;
        }

        // An empty list would lock the operator out of every home; null is the way to say every zone.
        if (zones.Count == 0)
        {
            throw new ArgumentException("give at least one zone, or null for every zone", nameof(zones));
        }

        if (zones.Select(ZoneNames.Validate).FirstOrDefault(bad => bad is not null) is { } message)
        {
            throw new ArgumentException(message, nameof(zones));
        }
    }

    /// <summary>The line of five or six fields <paramref name="line"/> with the zones field for <paramref name="zones"/>, or without one for null.</summary>
    private static string WithZones(string line, IReadOnlySet<string>? zones)
    {
        if (zones is null)
        {
            return line;
        }

        // Zones need the roles field before them; a five-field line meant the role nurse.
        var roles = line.Split(':').Length == 5 ? $":{RolesField}{OperatorRoleNames.Format(OperatorRoles.Nurse)}" : "";
        return $"{line}{roles}:{ZonesField}{ZoneNames.Format(zones)}";
    }

    /// <summary>Whether <paramref name="name"/> is in the file at <paramref name="path"/>.</summary>
    /// <exception cref="FormatException">The file has a bad line.</exception>
    public static bool Lists(string path, string name) => ReadFor(path, name).At >= 0;

    private static (List<string> Lines, int At, Entry Entry) ReadFor(string path, string name)
    {
        var lines = File.Exists(path) ? File.ReadAllLines(path).ToList() : [];
        var at = -1;
        var found = Decoy;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Trim().Length > 0 && !lines[i].TrimStart().StartsWith('#'))
            {
                var (n, entry) = Parse(lines[i], i + 1);
                if (n == name)
                {
                    (at, found) = (i, entry);
                }
            }
        }

        return (lines, at, found);
    }

    private static void Write(string path, List<string> lines)
    {
        // Written beside and renamed, so a reader never sees half a file.
        var temp = path + ".tmp";
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            foreach (var l in lines)
            {
                writer.Write(l);
                writer.Write('\n');
            }
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// True when <paramref name="password"/> is <paramref name="name"/>'s: one PBKDF2 at the entry's iterations, the
    /// expensive part of a login (<see cref="OperatorLogins"/> remembers verified logins and limits guessing).
    /// </summary>
    public bool Verify(string name, string password)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(password);

        // An unknown name costs the same PBKDF2 as a known one, so timing does not tell which names exist.
        var entry = _entries.GetValueOrDefault(name) ?? Decoy;
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, entry.Salt, entry.Iterations, HashAlgorithmName.SHA256, HashBytes);
        return CryptographicOperations.FixedTimeEquals(hash, entry.Hash) && !ReferenceEquals(entry, Decoy);
    }

    private sealed record Entry(int Iterations, byte[] Salt, byte[] Hash, OperatorRoles Roles, IReadOnlySet<string>? Zones, bool Defaulted);
}
