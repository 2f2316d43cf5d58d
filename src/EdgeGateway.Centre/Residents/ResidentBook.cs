using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Residents;

/// <summary>
/// The homes' resident records (issue 29): saved sealed with the centre's <see cref="ResidentKey"/>, every read of a whole
/// record by a person written to the audit log before the record is handed out, erased on request. Without a key the
/// centre runs as before and answers resident requests with 503.
/// </summary>
public sealed partial class ResidentBook
{
    /// <summary>How long one <see cref="ResidentDirectory"/> serves lists; another centre instance's save shows after at most this.</summary>
    public static readonly TimeSpan DirectoryAge = TimeSpan.FromSeconds(2);

    private readonly IArchive _archive;
    private readonly ResidentKey? _key;
    private readonly TimeProvider _time;
    private readonly TimeZoneInfo _zone;
    private readonly ChangeFeed _feed;
    private readonly ILogger _logger;
    private readonly HashSet<string> _reported = [];

    // Each home's record as last opened, by its sealed text: a rebuild opens only what changed since (a summary's age is
    // worked out again each time from the record).
    private Dictionary<string, (string Sealed, ResidentRecord? Record)> _opened = new(StringComparer.Ordinal);
    private volatile Cached? _directory;
    private int _changes;

    /// <summary>
    /// Keeps the records of <paramref name="archive"/>, sealed with <paramref name="key"/> (null: resident records are off);
    /// a save or erasure goes out on <paramref name="feed"/> as the home and its open alarms, with their new summary.
    /// </summary>
    public ResidentBook(IArchive archive, ResidentKey? key, TimeProvider time, TimeZoneInfo zone, ChangeFeed feed, ILogger logger)
    {
        _archive = archive;
        _key = key;
        _time = time;
        _zone = zone;
        _feed = feed;
        _logger = logger;
    }

    /// <summary>Today in the centre's zone (ages, and the latest date of birth).</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_time.GetUtcNow(), _zone).DateTime);

    /// <summary>Saves <paramref name="record"/> as <paramref name="gateway"/>'s resident, under <paramref name="operatorName"/> in the audit log.</summary>
    /// <exception cref="CentreActionException">No key (503) or no such gateway (404).</exception>
    public async Task<StoredResident> SaveAsync(string gateway, ResidentRecord record, string operatorName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var key = KeyOrThrow();
        var json = ResidentJson.ToUtf8(record);
        var at = _time.GetUtcNow();
        var row = new SealedResident(gateway, record.Zone, key.Seal(gateway, json), at, operatorName);

        // The audit row says what was done and the zone, never a field of the record: the log is read by more people.
        var action = new OperatorAction(at, operatorName, "resident-save", gateway, null, null, "ok", record.Zone is null ? "no zone" : "zone " + record.Zone);
        if (!await _archive.PutResidentAsync(row, action, cancellationToken).ConfigureAwait(false))
        {
            throw new CentreActionException(404, "id", $"no gateway {PrintableText.Of(gateway, 80)}: a home gets a resident record once its gateway has reported");
        }

        Changed();
        await PublishHomeAsync(gateway, cancellationToken).ConfigureAwait(false);
        return new StoredResident(gateway, record, at, operatorName);
    }

    /// <summary>
    /// The whole record of <paramref name="gateway"/> for <paramref name="operatorName"/>, recorded in the audit log as
    /// <paramref name="why"/> (<c>resident-read</c>, <c>resident-export</c>, <c>resident-view</c>) before it is returned; null when there is none.
    /// </summary>
    /// <exception cref="CentreActionException">No key, or the record does not open with it (503).</exception>
    public async Task<StoredResident?> ReadAsync(string gateway, string operatorName, string why, Guid? alarm = null, CancellationToken cancellationToken = default)
    {
        var key = KeyOrThrow();
        if (await _archive.ResidentAsync(gateway, cancellationToken).ConfigureAwait(false) is not { } row)
        {
            return null;
        }

        var record = Open(key, row) ?? throw new CentreActionException(503, "resident", $"the resident record of {PrintableText.Of(gateway, 80)} cannot be opened with this centre's key (logged, event 3280)");
        await _archive.RecordActionAsync(new OperatorAction(_time.GetUtcNow(), operatorName, why, gateway, alarm, null, "ok", null), cancellationToken).ConfigureAwait(false);
        return new StoredResident(gateway, record, row.UpdatedAt, row.UpdatedBy);
    }

    /// <summary>Erases <paramref name="gateway"/>'s record (a GDPR erasure), recorded under <paramref name="operatorName"/>; false when there was none.</summary>
    public async Task<bool> EraseAsync(string gateway, string operatorName, CancellationToken cancellationToken = default)
    {
        var action = new OperatorAction(_time.GetUtcNow(), operatorName, "resident-erase", gateway, null, null, "ok", null);
        var erased = await _archive.EraseResidentAsync(gateway, action, cancellationToken).ConfigureAwait(false);
        Changed();
        if (erased)
        {
            await PublishHomeAsync(gateway, cancellationToken).ConfigureAwait(false);
        }

        return erased;
    }

    /// <summary>
    /// The home and each of its open alarms on the live feed, so every open page redraws them with the new summary (the
    /// feed carries the summary only, never the record). Without it a nurse's page kept the old name, or "No resident
    /// record", until its next reconnect.
    /// </summary>
    private async Task PublishHomeAsync(string gateway, CancellationToken cancellationToken)
    {
        if (await _archive.GatewayAsync(gateway, cancellationToken).ConfigureAwait(false) is { } home)
        {
            _feed.Publish(new CentreChange("gateway", null, home));
        }

        foreach (var alarm in await _archive.AlarmsAsync(openOnly: true, cancellationToken).ConfigureAwait(false))
        {
            if (alarm.Gateway == gateway)
            {
                _feed.Publish(new CentreChange("alarm", alarm, null));
            }
        }
    }

    /// <summary>Every home's zone and summary, at most <see cref="DirectoryAge"/> old (this instance's own saves show at once).</summary>
    public async Task<ResidentDirectory> DirectoryAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        if (_directory is { } cached && now - cached.At < DirectoryAge && now >= cached.At)
        {
            return cached.Directory;
        }

        var changes = Volatile.Read(ref _changes);
        var today = Today;
        var homes = new Dictionary<string, (string?, ResidentSummary?)>(StringComparer.Ordinal);
        var before = _opened;
        var opened = new Dictionary<string, (string Sealed, ResidentRecord? Record)>(StringComparer.Ordinal);
        foreach (var row in await _archive.ResidentsAsync(cancellationToken).ConfigureAwait(false))
        {
            var record = before.TryGetValue(row.Gateway, out var known) && known.Sealed == row.Sealed ? known.Record
                : _key is null ? null : Open(_key, row);
            opened[row.Gateway] = (row.Sealed, record);
            homes[row.Gateway] = (row.Zone, record is null ? null : ResidentSummary.Of(record, today));
        }

        // Only the homes still there: an erased record leaves memory with the next rebuild.
        _opened = opened;

        var directory = new ResidentDirectory(homes);

        // A save or erase while this was read may be missing from it: kept only when none came, so it shows at once.
        if (Volatile.Read(ref _changes) == changes)
        {
            _directory = new Cached(directory, now);
        }

        return directory;
    }

    /// <summary>
    /// <paramref name="gateway"/>'s record as the directory last opened it, for the centre's own use (the SMS to next of
    /// kin: each one sent is an audit row), never handed to a person; null when there is none or it does not open.
    /// </summary>
    internal async Task<ResidentRecord?> RecordForCentreAsync(string gateway, CancellationToken cancellationToken)
    {
        if (_key is null)
        {
            return null;
        }

        await DirectoryAsync(cancellationToken).ConfigureAwait(false);
        return _opened.TryGetValue(gateway, out var opened) ? opened.Record : null;
    }

    private void Changed()
    {
        Interlocked.Increment(ref _changes);
        _directory = null;
    }

    private ResidentKey KeyOrThrow() =>
        _key ?? throw new CentreActionException(503, "resident", "resident records are off: start the centre with --resident-key FILE (the key they are sealed with at rest)");

    private ResidentRecord? Open(ResidentKey key, SealedResident row)
    {
        try
        {
            using var doc = JsonDocument.Parse(key.Open(row.Gateway, row.Sealed));
            var (record, problems) = ResidentJson.Read(doc.RootElement, DateOnly.MaxValue);
            if (record is not null)
            {
                return record;
            }

            Report(row, "it opens but is not a valid record: " + problems[0].Detail);
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException)
        {
            Report(row, ex.Message);
        }

        return null;
    }

    private void Report(SealedResident row, string why)
    {
        // Once per stored version: lists rebuild every few seconds and must not flood the log with the same line.
        lock (_reported)
        {
            if (!_reported.Add(row.Gateway + "\n" + row.Sealed))
            {
                return;
            }
        }

        LogUnopened(_logger, row.Gateway, why);
    }

    private sealed record Cached(ResidentDirectory Directory, DateTimeOffset At);

    [LoggerMessage(EventId = 3280, Level = LogLevel.Error, Message = "Resident record of {Gateway} not shown: {Reason}")]
    private static partial void LogUnopened(ILogger logger, string gateway, string reason);
}
