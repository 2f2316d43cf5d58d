using EdgeGateway.Devices.Wearable;
using EdgeGateway.TestSupport;
using EdgeGateway.TestSupport.BlueZ;

namespace EdgeGateway.Devices.Tests.Wearable;

/// <summary>Scanning for and pairing the wearable against python3-dbusmock's bluez5 template on a private bus: no radio.</summary>
[Trait("Category", "Integration")]
public sealed class BlueZPairingTests : IAsyncLifetime
{
    private const string Wearable = "C8:11:22:33:EE:FF";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private BlueZMock _bluez = null!;

    public async Task InitializeAsync() => _bluez = await BlueZMock.StartAsync();

    public async Task DisposeAsync() => await _bluez.DisposeAsync();

    private BlueZPairing NewPairing(string? busAddress = null) =>
        new(new BlueZPairingOptions { BusAddress = busAddress ?? _bluez.BusAddress, CallTimeout = TimeSpan.FromSeconds(5), PairTimeout = TimeSpan.FromSeconds(5) }, TimeProvider.System);

    [Fact]
    public async Task The_scan_filters_on_the_service_finds_the_wearable_heard_during_discovery_ignores_a_device_without_the_uuid_and_stops_discovery()
    {
        var adapter = await _bluez.AddAdapterAsync();

        // Known before the scan: a phone (no wearable UUID, not an EG- name) and a second wearable that only gave its name.
        await _bluez.AddDeviceAsync("11:22:33:44:55:66", "Pixel 8", ["0000110a-0000-1000-8000-00805f9b34fb"], rssi: -40);
        await _bluez.AddDeviceAsync("C8:11:22:33:AB:CD", "EG-ABCD", [], rssi: -85);
        var scan = NewPairing().ScanAsync(TimeSpan.FromSeconds(2), CancellationToken.None);

        // The wearable is heard once discovery runs, as BlueZ announces a new advertiser.
        await Eventually.UntilAsync(() => _bluez.DiscoveringAsync(adapter).GetAwaiter().GetResult(), Bound, () => _bluez.Log);
        await _bluez.AddDeviceAsync(Wearable, "EG-EEFF", [WearableProtocol.ServiceUuid], rssi: -52);
        var result = await scan.WaitAsync(Bound);

        Assert.True(result.Ok, result.Message);
        Assert.Equal([Wearable, "C8:11:22:33:AB:CD"], result.Found.Select(f => f.Address));
        Assert.Equal(new FoundWearable(Wearable, "EG-EEFF", -52, false, false), result.Found[0]);
        Assert.DoesNotContain(result.Found, f => f.Address == "11:22:33:44:55:66");

        // The filter as BlueZ needs it, and discovery started once and stopped once.
        var filter = Assert.Single(await _bluez.CallsAsync(adapter, "SetDiscoveryFilter"));
        Assert.Contains(WearableProtocol.ServiceUuid, filter[0], StringComparison.Ordinal);
        Assert.Matches(@"'Transport'\)?: dbus\.String\('le'", filter[0]);
        Assert.Single(await _bluez.CallsAsync(adapter, "StartDiscovery"));
        Assert.Single(await _bluez.CallsAsync(adapter, "StopDiscovery"));
        Assert.False(await _bluez.DiscoveringAsync(adapter));
    }

    [Fact]
    public async Task A_cancelled_scan_still_stops_discovery()
    {
        var adapter = await _bluez.AddAdapterAsync();
        using var cts = new CancellationTokenSource();
        var scan = NewPairing().ScanAsync(TimeSpan.FromSeconds(30), cts.Token);
        await Eventually.UntilAsync(() => _bluez.DiscoveringAsync(adapter).GetAwaiter().GetResult(), Bound, () => _bluez.Log);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scan.WaitAsync(Bound));
        Assert.Single(await _bluez.CallsAsync(adapter, "StopDiscovery"));
        Assert.False(await _bluez.DiscoveringAsync(adapter));
    }

    [Fact]
    public async Task Pairs_and_trusts_the_wearable()
    {
        await _bluez.AddAdapterAsync();
        var device = await _bluez.AddDeviceAsync(Wearable, "EG-EEFF", [WearableProtocol.ServiceUuid]);

        var result = await NewPairing().PairAsync(Wearable.ToLowerInvariant(), CancellationToken.None).WaitAsync(Bound);

        Assert.True(result.Ok, result.Message);
        Assert.Equal((true, true), await _bluez.PairingStateAsync(device));
        Assert.Single(await _bluez.CallsAsync(device, "Pair"));

        // Pairing again (a technician repeating the command) does not call Pair on a paired device, and still succeeds.
        Assert.True((await NewPairing().PairAsync(Wearable, CancellationToken.None).WaitAsync(Bound)).Ok);
        Assert.Single(await _bluez.CallsAsync(device, "Pair"));
    }

    [Fact]
    public async Task A_refused_pairing_names_BlueZs_error_and_leaves_the_device_untrusted()
    {
        await _bluez.AddAdapterAsync();
        var device = await _bluez.AddDeviceAsync(Wearable, "EG-EEFF", [WearableProtocol.ServiceUuid], pairError: "org.bluez.Error.AuthenticationFailed", pairMessage: "Authentication Failed");

        var result = await NewPairing().PairAsync(Wearable, CancellationToken.None).WaitAsync(Bound);

        Assert.False(result.Ok);
        Assert.Equal(WearablePairingProblem.BlueZError, result.Problem);
        Assert.Equal("org.bluez.Error.AuthenticationFailed", result.ErrorName);
        Assert.Equal($"Pair with {Wearable} failed: org.bluez.Error.AuthenticationFailed: Authentication Failed", result.Message);
        Assert.Equal((false, false), await _bluez.PairingStateAsync(device));
    }

    [Fact]
    public async Task An_unknown_address_no_adapter_and_no_bluetoothd_are_named()
    {
        var none = await NewPairing().PairAsync(Wearable, CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(WearablePairingProblem.NoAdapter, none.Problem);
        Assert.Contains("no powered Bluetooth adapter", none.Message, StringComparison.Ordinal);
        Assert.Equal(WearablePairingProblem.NoAdapter, (await NewPairing().ScanAsync(TimeSpan.FromSeconds(1), CancellationToken.None).WaitAsync(Bound)).Problem);

        await _bluez.AddAdapterAsync();
        var unknown = await NewPairing().PairAsync(Wearable, CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(WearablePairingProblem.NotFound, unknown.Problem);
        Assert.Contains("unknown to BlueZ", unknown.Message, StringComparison.Ordinal);

        _bluez.KillBlueZ();
        var missing = await NewPairing().PairAsync(Wearable, CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(WearablePairingProblem.BlueZMissing, missing.Problem);
        Assert.Contains("is bluetoothd installed and running?", missing.Message, StringComparison.Ordinal);
        Assert.Equal(WearablePairingProblem.BlueZMissing, (await NewPairing().ScanAsync(TimeSpan.FromSeconds(1), CancellationToken.None).WaitAsync(Bound)).Problem);
    }
}
