using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Tmds.DBus.Protocol;

namespace EdgeGateway.Devices.Wearable;

/// <summary>
/// Commissioning the wearable through BlueZ: a bounded LE scan for devices advertising the wearable's service (or named
/// <c>EG-xxxx</c>), then <c>Device1.Pair</c> and <c>Trusted</c> on the one the technician picks. Nothing here throws at
/// the caller for a BlueZ problem: every outcome is a result that names it (no adapter, bluetoothd missing, BlueZ's own
/// error name and message, no answer in time).
/// </summary>
/// <remarks>
/// Each call uses a fresh D-Bus connection of its own, so a pairing from the console never shares state with the running
/// <see cref="BlueZWearableLink"/>. No agent is registered: without one bluetoothd pairs as NoInputNoOutput (LE "Just
/// Works"), which is what a button-only wearable offers.
/// </remarks>
public sealed partial class BlueZPairing
{
    private const string ServiceUnknownHint = "org.bluez is not on the bus: is bluetoothd installed and running?";
    private const string NoAdapterHint = "BlueZ has no powered Bluetooth adapter (rfkill? `bluetoothctl power on`)";
    private readonly BlueZPairingOptions _options;
    private readonly TimeProvider _time;
    private readonly string _busAddress;

    /// <summary>Prepares pairing on the system bus (or <see cref="BlueZPairingOptions.BusAddress"/>).</summary>
    public BlueZPairing(BlueZPairingOptions? options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _options = options ?? new BlueZPairingOptions();
        _time = time;
        _busAddress = _options.BusAddress ?? DBusAddress.System ?? "unix:path=/var/run/dbus/system_bus_socket";
    }

    /// <summary>Scans for <paramref name="scanTime"/> on the first powered adapter and lists the wearables heard or already known, strongest first; discovery is always stopped.</summary>
    public async Task<WearableScan> ScanAsync(TimeSpan scanTime, CancellationToken ct)
    {
        try
        {
            return await ScanCoreAsync(scanTime, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (Failure(ex) is { } failure)
        {
            return new WearableScan([], failure.Problem, failure.Message);
        }
    }

    /// <summary>Pairs with the device at <paramref name="address"/> (bounded by <see cref="BlueZPairingOptions.PairTimeout"/>) and marks it trusted, so bluetoothd lets it reconnect without asking.</summary>
    public async Task<WearablePairing> PairAsync(string address, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!AddressPattern().IsMatch(address))
        {
            return new WearablePairing(address, WearablePairingProblem.NotFound, $"'{address}': expected six hex pairs separated by colons, e.g. AA:BB:CC:DD:EE:FF");
        }

        try
        {
            return await PairCoreAsync(address.ToUpperInvariant(), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (Failure(ex) is { } failure)
        {
            return new WearablePairing(address, failure.Problem, failure.Message);
        }
    }

    private async Task<WearableScan> ScanCoreAsync(TimeSpan scanTime, CancellationToken ct)
    {
        using var connection = await ConnectAsync(ct).ConfigureAwait(false);

        // Subscribed before discovery starts, so a device heard in the first moment is not missed.
        var heard = new ConcurrentDictionary<string, Dictionary<string, VariantValue>>(StringComparer.Ordinal);
        using var added = await BlueZ.WatchInterfacesAddedAsync(connection, n =>
        {
            if (!n.IsCompletion && n.Value.Interfaces.TryGetValue(BlueZ.Device1, out var device))
            {
                heard[n.Value.Path] = device;
            }
        }).ConfigureAwait(false);

        var before = await Bounded(BlueZ.GetManagedObjectsAsync(connection), "BlueZ GetManagedObjects", _options.CallTimeout, ct).ConfigureAwait(false);
        var adapter = FirstPoweredAdapter(before);
        if (adapter is null)
        {
            return new WearableScan([], WearablePairingProblem.NoAdapter, NoAdapterHint);
        }

        await Bounded(BlueZ.SetDiscoveryFilterAsync(connection, adapter, [WearableProtocol.ServiceUuid], "le"), "SetDiscoveryFilter", _options.CallTimeout, ct).ConfigureAwait(false);
        await Bounded(BlueZ.CallAsync(connection, adapter, BlueZ.Adapter1, "StartDiscovery"), "StartDiscovery", _options.CallTimeout, ct).ConfigureAwait(false);
        ManagedObjects after;
        try
        {
            await Task.Delay(scanTime, _time, ct).ConfigureAwait(false);

            // Read again at the end: RSSI and names of devices BlueZ already knew arrive as property changes, not as new objects.
            after = await Bounded(BlueZ.GetManagedObjectsAsync(connection), "BlueZ GetManagedObjects", _options.CallTimeout, ct).ConfigureAwait(false);
        }
        finally
        {
            // Always, even on Ctrl-C: a discovery left running drains the radio and slows the wearable's own connection.
            await StopDiscoveryAsync(connection, adapter).ConfigureAwait(false);
        }

        var devices = new Dictionary<string, Dictionary<string, VariantValue>>(StringComparer.Ordinal);
        foreach (var (path, props) in heard)
        {
            devices[path] = props;
        }

        foreach (var (path, interfaces) in after)
        {
            if (interfaces.TryGetValue(BlueZ.Device1, out var props))
            {
                devices[path] = props;
            }
        }

        var found = devices
            .Where(d => (BlueZValue.Path(d.Value, "Adapter") ?? d.Key).StartsWith(adapter, StringComparison.Ordinal) && IsWearable(d.Value))
            .Select(d => new FoundWearable(
                BlueZValue.String(d.Value, "Address") ?? "",
                BlueZValue.String(d.Value, "Name") ?? BlueZValue.String(d.Value, "Alias"),
                BlueZValue.Int16(d.Value, "RSSI"),
                BlueZValue.Bool(d.Value, "Paired"),
                BlueZValue.Bool(d.Value, "Trusted")))
            .Where(f => f.Address.Length > 0)
            .OrderByDescending(f => f.Rssi ?? short.MinValue)
            .ThenBy(f => f.Address, StringComparer.Ordinal)
            .ToList();
        return new WearableScan(found, WearablePairingProblem.None, $"{found.Count} found through {adapter}");
    }

    private async Task StopDiscoveryAsync(DBusConnection connection, string adapter)
    {
        try
        {
            await Bounded(BlueZ.CallAsync(connection, adapter, BlueZ.Adapter1, "StopDiscovery"), "StopDiscovery", _options.CallTimeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DBusExceptionBase or TimeoutException)
        {
            // The scan's outcome stands; bluetoothd also stops a client's discovery when that client leaves the bus.
        }
    }

    private async Task<WearablePairing> PairCoreAsync(string address, CancellationToken ct)
    {
        using var connection = await ConnectAsync(ct).ConfigureAwait(false);
        var objects = await Bounded(BlueZ.GetManagedObjectsAsync(connection), "BlueZ GetManagedObjects", _options.CallTimeout, ct).ConfigureAwait(false);
        var adapter = FirstPoweredAdapter(objects);
        if (adapter is null)
        {
            return new WearablePairing(address, WearablePairingProblem.NoAdapter, NoAdapterHint);
        }

        var device = objects
            .Where(o => o.Value.TryGetValue(BlueZ.Device1, out var d)
                && string.Equals(BlueZValue.String(d, "Address"), address, StringComparison.OrdinalIgnoreCase)
                && (BlueZValue.Path(d, "Adapter") ?? o.Key).StartsWith(adapter, StringComparison.Ordinal))
            .Select(o => o.Key)
            .FirstOrDefault();
        if (device is null)
        {
            return new WearablePairing(address, WearablePairingProblem.NotFound, $"{address} is unknown to BlueZ under {adapter}: scan again with the wearable awake next to the gateway");
        }

        if (!BlueZValue.Bool(objects[device][BlueZ.Device1], "Paired"))
        {
            try
            {
                await Bounded(BlueZ.CallAsync(connection, device, BlueZ.Device1, "Pair"), $"Pair with {address}", _options.PairTimeout, ct).ConfigureAwait(false);
            }
            catch (DBusErrorReplyException ex) when (ex.ErrorName == "org.bluez.Error.AlreadyExists")
            {
                // Paired between our read and the call (bluetoothctl in another terminal): that is what we wanted.
            }
            catch (DBusErrorReplyException ex) when (!BlueZ.IsServiceMissing(ex))
            {
                return new WearablePairing(address, WearablePairingProblem.BlueZError, $"Pair with {address} failed: {ex.ErrorName}: {ex.ErrorMessage}", ex.ErrorName);
            }
            catch (TimeoutException)
            {
                // bluetoothd would otherwise go on trying and refuse the next attempt as InProgress.
                await CancelPairingAsync(connection, device).ConfigureAwait(false);
                throw;
            }
        }

        try
        {
            await Bounded(BlueZ.SetAsync(connection, device, BlueZ.Device1, "Trusted", true), $"setting Trusted on {address}", _options.CallTimeout, ct).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException ex) when (!BlueZ.IsServiceMissing(ex))
        {
            return new WearablePairing(address, WearablePairingProblem.BlueZError, $"paired, but Trusted on {address} was refused: {ex.ErrorName}: {ex.ErrorMessage}", ex.ErrorName);
        }

        var paired = await Bounded(BlueZ.GetAsync(connection, device, BlueZ.Device1, "Paired"), "reading Paired", _options.CallTimeout, ct).ConfigureAwait(false);
        if (!(paired.Type == VariantValueType.Bool && paired.GetBool()))
        {
            return new WearablePairing(address, WearablePairingProblem.BlueZError, $"Pair with {address} returned but BlueZ does not report it paired");
        }

        return new WearablePairing(address, WearablePairingProblem.None, $"{address} paired and trusted through {adapter}");
    }

    private async Task CancelPairingAsync(DBusConnection connection, string device)
    {
        try
        {
            await Bounded(BlueZ.CallAsync(connection, device, BlueZ.Device1, "CancelPairing"), "CancelPairing", _options.CallTimeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DBusExceptionBase or TimeoutException)
        {
            // Best effort: the timeout is what the technician is told either way.
        }
    }

    private async Task<DBusConnection> ConnectAsync(CancellationToken ct)
    {
        var connection = new DBusConnection(new DBusConnectionOptions(_busAddress) { AutoConnect = false });
        try
        {
            await Bounded(connection.ConnectAsync().AsTask(), "connecting to D-Bus", _options.CallTimeout, ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private (WearablePairingProblem Problem, string Message)? Failure(Exception ex) => ex switch
    {
        DBusErrorReplyException e when BlueZ.IsServiceMissing(e) => (WearablePairingProblem.BlueZMissing, ServiceUnknownHint),
        DBusErrorReplyException e => (WearablePairingProblem.BlueZError, $"BlueZ answered {e.ErrorName}: {e.ErrorMessage}"),
        DBusConnectionException e => (WearablePairingProblem.BlueZMissing, $"D-Bus at {_busAddress}: {e.Message}"),
        TimeoutException e => (WearablePairingProblem.Timeout, e.Message),
        _ => null,
    };

    private Task<T> Bounded<T>(Task<T> call, string what, TimeSpan limit, CancellationToken ct) => BlueZ.BoundedAsync(call, what, limit, _time, ct);

    private Task Bounded(Task call, string what, TimeSpan limit, CancellationToken ct) => BlueZ.BoundedAsync(call, what, limit, _time, ct);

    private static bool IsWearable(Dictionary<string, VariantValue> device) =>
        BlueZValue.Strings(device, "UUIDs").Any(u => string.Equals(u, WearableProtocol.ServiceUuid, StringComparison.OrdinalIgnoreCase))
        || NamePattern().IsMatch(BlueZValue.String(device, "Name") ?? BlueZValue.String(device, "Alias") ?? "");

    private static string? FirstPoweredAdapter(ManagedObjects objects) =>
        objects.Where(o => o.Value.TryGetValue(BlueZ.Adapter1, out var a) && BlueZValue.Bool(a, "Powered"))
            .Select(o => o.Key)
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();

    [GeneratedRegex("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")]
    private static partial Regex AddressPattern();

    // The wearable's advertised name (wearable/: "EG-" and the MAC's last 4 hex), for a scan response that BlueZ has
    // merged without the service UUID.
    [GeneratedRegex("^EG-[0-9A-Fa-f]{4}$")]
    private static partial Regex NamePattern();
}

/// <summary>Limits of <see cref="BlueZPairing"/>.</summary>
public sealed record BlueZPairingOptions
{
    /// <summary>The D-Bus to use; null for the system bus (tests give a private one).</summary>
    public string? BusAddress { get; init; }

    /// <summary>The bound on every call but <c>Pair</c>.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The bound on <c>Device1.Pair</c> (BlueZ's own is longer; a technician waits no more than this).</summary>
    public TimeSpan PairTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Why a scan or a pairing did not succeed.</summary>
public enum WearablePairingProblem
{
    /// <summary>It succeeded.</summary>
    None,

    /// <summary>The bus cannot be reached or <c>org.bluez</c> is not on it (bluetoothd missing).</summary>
    BlueZMissing,

    /// <summary>BlueZ has no powered adapter.</summary>
    NoAdapter,

    /// <summary>The address is not a device BlueZ knows (or not an address at all).</summary>
    NotFound,

    /// <summary>BlueZ answered with an error (<see cref="WearablePairing.ErrorName"/> names it).</summary>
    BlueZError,

    /// <summary>A call had no answer in time.</summary>
    Timeout,
}

/// <summary>One wearable a scan found.</summary>
/// <param name="Address">Its Bluetooth address.</param>
/// <param name="Name">Its advertised name (<c>EG-xxxx</c>), if known.</param>
/// <param name="Rssi">The signal strength in dBm when it was heard in this scan; null when BlueZ only remembered it.</param>
/// <param name="Paired">Already paired with this gateway.</param>
/// <param name="Trusted">Already trusted.</param>
public sealed record FoundWearable(string Address, string? Name, short? Rssi, bool Paired, bool Trusted);

/// <summary>A scan's outcome: what it found, or why it could not scan.</summary>
/// <param name="Found">The wearables, strongest signal first.</param>
/// <param name="Problem">Why it failed; <see cref="WearablePairingProblem.None"/> on success.</param>
/// <param name="Message">What to tell the technician.</param>
public sealed record WearableScan(IReadOnlyList<FoundWearable> Found, WearablePairingProblem Problem, string Message)
{
    /// <summary>True when the scan ran (it may still have found nothing).</summary>
    public bool Ok => Problem == WearablePairingProblem.None;
}

/// <summary>A pairing's outcome.</summary>
/// <param name="Address">The device.</param>
/// <param name="Problem">Why it failed; <see cref="WearablePairingProblem.None"/> when paired and trusted.</param>
/// <param name="Message">What to tell the technician (BlueZ's error name and message on a BlueZ error).</param>
/// <param name="ErrorName">BlueZ's error name, e.g. <c>org.bluez.Error.AuthenticationFailed</c>, when it answered one.</param>
public sealed record WearablePairing(string Address, WearablePairingProblem Problem, string Message, string? ErrorName = null)
{
    /// <summary>True when the device is paired and trusted.</summary>
    public bool Ok => Problem == WearablePairingProblem.None;
}
