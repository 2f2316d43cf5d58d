using System.Text.Json;
using BenchmarkDotNet.Attributes;
using EdgeGateway.Centre;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Residents;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Benchmarks;

/// <summary>
/// What resident records cost the centre (issue 29): sealing and opening one record (with its check), and building the
/// directory every list answer uses for <see cref="Homes"/> homes from a SQLite archive, against reading the same sealed
/// rows without opening them (the baseline: the ratio is what the opening adds).
/// </summary>
[MemoryDiagnoser]
public class ResidentBenchmarks
{
    /// <summary>Homes with a record in the archive.</summary>
    public const int Homes = 2000;

    private readonly ResidentKey _key = ResidentKey.Generate();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private byte[] _json = [];
    private string _sealed = "";
    private string _dir = "";
    private SqliteArchive _archive = null!;
    private ResidentBook _book = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var record = new ResidentRecord("Ingrid Hansen", new DateOnly(1938, 4, 12), "Norwegian", "+47 912 34 567",
            new ResidentAddress("Storgata 1", "0155", "Oslo", "3", "3B"), new ResidentAccess("left of the back door", "4711", "1234", "ring twice"),
            [new ResidentContact("Kari Hansen", "daughter", "+47 913 00 001"), new ResidentContact("Per Olsen", "neighbour", "+47 913 00 002")],
            new ResidentContact("Dr. Lie", null, "+47 22 00 00 00"), "Hard of hearing.", "north");
        _json = ResidentJson.ToUtf8(record);
        _sealed = _key.Seal("home-1", _json);
        _dir = Directory.CreateTempSubdirectory("resident-bench-").FullName;
        _archive = await SqliteArchive.OpenAsync(Path.Combine(_dir, "centre.db"));
        _book = new ResidentBook(_archive, _key, _time, TimeZoneInfo.Utc, new ChangeFeed(), NullLogger.Instance);
        for (var i = 0; i < Homes; i++)
        {
            var gateway = $"home-{i:D5}";
            await _archive.RecordStatusAsync(gateway, "online", Guid.NewGuid(), _time.GetUtcNow());
            await _book.SaveAsync(gateway, record with { Zone = i % 2 == 0 ? "north" : "south" }, "Coordinator Cora");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _archive.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Seals one record (a save).</summary>
    [Benchmark]
    public string Seal() => _key.Seal("home-1", _json);

    /// <summary>Opens and checks one record (a whole read).</summary>
    [Benchmark]
    public ResidentRecord? Open()
    {
        using var doc = JsonDocument.Parse(_key.Open("home-1", _sealed));
        return ResidentJson.Read(doc.RootElement, DateOnly.MaxValue).Record;
    }

    /// <summary>The sealed rows of every home, not opened.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> RowsOnly() => (await _archive.ResidentsAsync()).Count;

    /// <summary>The directory of every home (each record opened and summarised), as a list answer rebuilds it every 2 s.</summary>
    [Benchmark]
    public async Task<ResidentDirectory> Directory2000()
    {
        _time.Advance(ResidentBook.DirectoryAge);
        return await _book.DirectoryAsync();
    }
}
