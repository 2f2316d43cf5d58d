using EdgeGateway.Contract;

namespace EdgeGateway.Centre;

/// <summary>The centre's memory of recently seen event ids, shared by the consumers of both paths' brokers.</summary>
public sealed class CentreDedup
{
    /// <summary>Remembers the last <paramref name="capacity"/> ids.</summary>
    public CentreDedup(int capacity = 100_000) => Ids = new RecentIds(capacity);

    internal RecentIds Ids { get; }
}
