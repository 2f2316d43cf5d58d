namespace EdgeGateway.Uplink.Outbox;

/// <summary>Where the outbox lives and how big it may grow.</summary>
public sealed record OutboxOptions
{
    /// <summary>The file name of the store inside the data directory.</summary>
    public const string FileName = "outbox.db";

    /// <summary>The data directory that holds <see cref="FileName"/>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Above this many pending events, telemetry and then info events are evicted (alarms and technical events never are).</summary>
    public int MaxEvents { get; init; } = 100_000;

    /// <summary>At most this many queued requests go into one transaction (group commit).</summary>
    public int MaxBatch { get; init; } = 2_000;

    /// <summary>Caps the database size in pages (4 KiB each) so a full store is a clean error, not a full SD card; null leaves SQLite's limit.</summary>
    public long? MaxPageCount { get; init; }

    /// <summary>The full path of the store.</summary>
    public string DatabasePath => Path.Combine(DataDirectory, FileName);
}
