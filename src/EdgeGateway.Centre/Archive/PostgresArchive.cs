using System.Data.Common;
using Npgsql;

namespace EdgeGateway.Centre.Archive;

/// <summary>The shared archive on PostgreSQL, for several centre instances (a municipality-wide deployment).</summary>
public sealed class PostgresArchive : SqlArchive
{
    private readonly NpgsqlDataSource _source;

    private PostgresArchive(NpgsqlDataSource source) => _source = source;

    /// <summary>Opens the archive at <paramref name="connectionString"/> (an Npgsql connection string), creating the tables when missing.</summary>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused the login.</exception>
    public static async Task<PostgresArchive> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var archive = new PostgresArchive(NpgsqlDataSource.Create(connectionString));
        try
        {
            await archive.CreateSchemaAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await archive.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return archive;
    }

    /// <inheritdoc />
    protected override string IdentityColumn => "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

    /// <inheritdoc />
    protected override string SchemaLock => "SELECT pg_advisory_xact_lock(1700017)";

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
