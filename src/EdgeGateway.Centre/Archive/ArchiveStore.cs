using Npgsql;

namespace EdgeGateway.Centre.Archive;

/// <summary>Reads <c>central --store</c>: a SQLite file path, a <c>postgres://</c> URL, or an Npgsql connection string.</summary>
public static class ArchiveStore
{
    /// <summary>True when <paramref name="store"/> names a PostgreSQL database rather than a SQLite file.</summary>
    public static bool IsPostgres(string store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || store.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || (store.Contains('=', StringComparison.Ordinal) && store.Contains("host", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The Npgsql connection string for a <c>postgres://user:password@host:port/database?k=v</c> URL (or the string itself when it is one already).</summary>
    /// <exception cref="FormatException">The URL cannot be read; the message says what is wrong.</exception>
    public static string ToNpgsql(string store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!store.Contains("://", StringComparison.Ordinal))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(store).ConnectionString;
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"not a valid Npgsql connection string: {ex.Message}", ex);
            }
        }

        if (!Uri.TryCreate(store, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw new FormatException($"'{Redact(store)}' is not a postgres://user:password@host:port/database URL");
        }

        var b = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port };
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            b.Database = database;
        }

        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            b.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                b.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            try
            {
                b[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"query parameter '{kv[0]}': {ex.Message}", ex);
            }
        }

        return b.ConnectionString;
    }

    /// <summary>Opens the archive <paramref name="store"/> names.</summary>
    /// <exception cref="FormatException">A PostgreSQL URL or connection string cannot be read.</exception>
    public static async Task<IArchive> OpenAsync(string store, CancellationToken cancellationToken = default) =>
        IsPostgres(store)
            ? await PostgresArchive.OpenAsync(ToNpgsql(store), cancellationToken).ConfigureAwait(false)
            : await SqliteArchive.OpenAsync(store, cancellationToken).ConfigureAwait(false);

    /// <summary><paramref name="store"/> without its password, for messages.</summary>
    public static string Redact(string store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var at = store.IndexOf('@', StringComparison.Ordinal);
        var scheme = store.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0 && at > scheme)
        {
            var colon = store.IndexOf(':', scheme + 3);
            return colon >= 0 && colon < at ? store[..(colon + 1)] + "***" + store[at..] : store;
        }

        return System.Text.RegularExpressions.Regex.Replace(store, "(?i)(password|pwd)=[^;]*", "$1=***");
    }
}
