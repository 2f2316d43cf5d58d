using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace EdgeGateway.Centre.Archive;

/// <summary>The embedded archive: one SQLite file (WAL), for a single centre instance.</summary>
public sealed class SqliteArchive : SqlArchive
{
    private readonly string _connectionString;

    private SqliteArchive(string path)
    {
        Path = path;

        // A busy database (another connection mid-write) is waited for up to the command timeout, not failed at once.
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating when missing) the archive at <paramref name="path"/>.</summary>
    /// <exception cref="SqliteException">The file cannot be opened or is not a database.</exception>
    public static async Task<SqliteArchive> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        var archive = new SqliteArchive(path);
        await using (var conn = await archive.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var wal = conn.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL";
            await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await archive.CreateSchemaAsync(cancellationToken).ConfigureAwait(false);
        return archive;
    }

    /// <inheritdoc />
    protected override string IdentityColumn => "id INTEGER PRIMARY KEY AUTOINCREMENT";

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var conn = new SqliteConnection(_connectionString);
        await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
        return conn;
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        // Pooled connections would keep the file (and its WAL) open after the archive is gone.
        SqliteConnection.ClearAllPools();
        return base.DisposeAsync();
    }
}
