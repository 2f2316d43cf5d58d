using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeGateway.TestSupport.BlueZ;

/// <summary>
/// BlueZ without a radio: a private <c>dbus-daemon</c>, python3-dbusmock's <c>bluez5</c> template on it (the real
/// <c>org.bluez</c> object tree and Device1 methods), and a controller that adds a wearable with its GATT characteristics,
/// sends notifications as <c>PropertiesChanged</c> of <c>Value</c> (as BlueZ does) and reads back what was called.
/// </summary>
/// <remarks>
/// Needs <c>dbus-daemon</c> and the Debian package <c>python3-dbusmock</c> under <c>/usr/bin/python3</c> (test.sh installs
/// both); without them <see cref="StartAsync"/> fails naming what to install. Every wait is bounded, and disposing kills
/// the three processes and removes the temporary directory.
/// </remarks>
public sealed class BlueZMock : IAsyncDisposable
{
    /// <summary>The Debian interpreter: the one python3-dbusmock is installed for (a pyenv python3 on the PATH has no dbusmock).</summary>
    public const string Python = "/usr/bin/python3";

    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(10);
    private readonly string _dir;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _daemon;
    private Process? _mock;
    private Process? _controller;

    private BlueZMock(string dir) => _dir = dir;

    /// <summary>The private bus's address, for the code under test.</summary>
    public string BusAddress { get; private set; } = "";

    /// <summary>True while the mock bluetoothd (the dbusmock process) runs.</summary>
    public bool IsBlueZRunning => _mock is { HasExited: false };

    /// <summary>Starts the private bus and, unless <paramref name="withBlueZ"/> is false, the mocked <c>org.bluez</c> on it.</summary>
    /// <exception cref="InvalidOperationException">dbus-daemon or python3-dbusmock is missing (the message names the package).</exception>
    public static async Task<BlueZMock> StartAsync(bool withBlueZ = true)
    {
        var daemon = FindDaemon() ?? throw new InvalidOperationException("dbus-daemon not found on the PATH nor in /usr/bin: install the Debian package dbus-daemon (test.sh does)");
        if (!await HasDbusMockAsync())
        {
            throw new InvalidOperationException($"{Python} cannot import dbusmock: install the Debian package python3-dbusmock (test.sh does)");
        }

        var mock = new BlueZMock(Directory.CreateTempSubdirectory("bluez-mock-").FullName);
        try
        {
            await mock.StartBusAsync(daemon);
            if (withBlueZ)
            {
                await mock.StartBlueZAsync();
            }

            return mock;
        }
        catch
        {
            await mock.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the mocked bluetoothd and its controller (again, after <see cref="KillBlueZ"/>); the tree starts empty.</summary>
    public async Task StartBlueZAsync()
    {
        var env = new Dictionary<string, string> { ["DBUS_SESSION_BUS_ADDRESS"] = BusAddress };
        _mock = Start(Python, ["-m", "dbusmock", "--session", "--template", "bluez5", "--logfile", Path.Combine(_dir, "dbusmock.log")], env);
        var script = Path.Combine(_dir, "controller.py");
        await File.WriteAllTextAsync(script, BlueZMockController.Script);
        _controller = Start(Python, ["-u", script], env);
        var ready = await ReadLineAsync(_controller, StartLimit, "the dbusmock controller to start");
        var answer = JsonNode.Parse(ready)!;
        if (answer["ok"]?.GetValue<bool>() != true)
        {
            throw new InvalidOperationException($"dbusmock did not start: {answer["error"]}; log: {Log}");
        }
    }

    /// <summary>Kills the mocked bluetoothd (and its controller): <c>org.bluez</c> leaves the bus as when bluetoothd dies.</summary>
    public void KillBlueZ()
    {
        KillProcess(_controller);
        KillProcess(_mock);
        _controller = null;
        _mock = null;
    }

    /// <summary>Kills the private bus itself.</summary>
    public void KillBus()
    {
        KillBlueZ();
        KillProcess(_daemon);
        _daemon = null;
    }

    /// <summary>dbusmock's log of every call so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            var path = Path.Combine(_dir, "dbusmock.log");
            try
            {
                return File.Exists(path) ? File.ReadAllText(path) : "";
            }
            catch (IOException)
            {
                return "";
            }
        }
    }

    /// <summary>Adds adapter hci0 (powered) and the wearable at <paramref name="address"/>, known but not connected, with the GATT objects asked for.</summary>
    public async Task<MockWearable> AddWearableAsync(string address, WearableGatt gatt)
    {
        ArgumentNullException.ThrowIfNull(gatt);
        var result = await CallAsync(new JsonObject
        {
            ["op"] = "add_wearable",
            ["address"] = address,
            ["name"] = $"EG-{address.Replace(":", "", StringComparison.Ordinal)[^4..]}",
            ["service"] = gatt.WithService,
            ["battery"] = gatt.WithBattery,
            ["service_uuid"] = gatt.ServiceUuid,
            ["samples_uuid"] = gatt.SamplesUuid,
            ["control_uuid"] = gatt.ControlUuid,
            ["events_uuid"] = gatt.EventsUuid,
            ["battery_service_uuid"] = gatt.BatteryServiceUuid,
            ["battery_uuid"] = gatt.BatteryLevelUuid,
        });
        return new MockWearable(
            this,
            result["device"]!.GetValue<string>(),
            result["samples"]?.GetValue<string>(),
            result["control"]?.GetValue<string>(),
            result["events"]?.GetValue<string>(),
            result["battery"]?.GetValue<string>());
    }

    /// <summary>Adds a powered adapter (hci0 unless named); returns its path.</summary>
    public async Task<string> AddAdapterAsync(string name = "hci0") =>
        (await CallAsync(new JsonObject { ["op"] = "add_adapter", ["name"] = name })).GetValue<string>();

    /// <summary>
    /// A device heard in discovery under <paramref name="adapter"/> (announced with InterfacesAdded) advertising
    /// <paramref name="uuids"/> at <paramref name="rssi"/> dBm; with <paramref name="pairError"/> its <c>Pair</c> answers that
    /// D-Bus error. Returns its path.
    /// </summary>
    public async Task<string> AddDeviceAsync(string address, string name, IEnumerable<string> uuids, short rssi = -60, string adapter = "hci0", string? pairError = null, string? pairMessage = null)
    {
        var command = new JsonObject
        {
            ["op"] = "add_device",
            ["adapter"] = adapter,
            ["address"] = address,
            ["name"] = name,
            ["uuids"] = new JsonArray([.. uuids.Select(u => JsonValue.Create(u))]),
            ["rssi"] = rssi,
        };
        if (pairError is not null)
        {
            command["pair_error"] = pairError;
            command["pair_message"] = pairMessage ?? "Authentication Failed";
        }

        return (await CallAsync(command)).GetValue<string>();
    }

    /// <summary>Device1's Paired and Trusted as the mock holds them.</summary>
    public async Task<(bool Paired, bool Trusted)> PairingStateAsync(string devicePath)
    {
        var props = await CallAsync(new JsonObject { ["op"] = "device_props", ["path"] = devicePath });
        return (props["Paired"]!.GetValue<bool>(), props["Trusted"]!.GetValue<bool>());
    }

    /// <summary>Whether the adapter at <paramref name="adapterPath"/> is discovering.</summary>
    public async Task<bool> DiscoveringAsync(string adapterPath) =>
        (await CallAsync(new JsonObject { ["op"] = "adapter_props", ["path"] = adapterPath }))["Discovering"]!.GetValue<bool>();

    /// <summary>Notifies <paramref name="values"/> on the characteristic at <paramref name="path"/>, in order.</summary>
    public Task NotifyAsync(string path, IEnumerable<byte[]> values) =>
        CallAsync(new JsonObject { ["op"] = "notify", ["path"] = path, ["values"] = new JsonArray([.. values.Select(v => JsonValue.Create(Convert.ToHexString(v)))]) });

    /// <summary>Sets boolean Device1 properties (Connected, ServicesResolved) and emits PropertiesChanged, as BlueZ does on a link loss.</summary>
    public Task SetDeviceAsync(string path, IReadOnlyDictionary<string, bool> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var props = new JsonObject();
        foreach (var (k, v) in properties)
        {
            props[k] = v;
        }

        return CallAsync(new JsonObject { ["op"] = "set_device", ["path"] = path, ["props"] = props });
    }

    /// <summary>Makes Device1.Connect on <paramref name="path"/> fail with <c>org.bluez.Error.Failed</c> (the device out of range) or succeed again.</summary>
    public Task SetConnectableAsync(string path, bool connectable) =>
        CallAsync(new JsonObject { ["op"] = "set_connectable", ["path"] = path, ["connectable"] = connectable });

    /// <summary>The calls of <paramref name="method"/> on the object at <paramref name="path"/>, each as its arguments (byte arrays in hex).</summary>
    public async Task<IReadOnlyList<IReadOnlyList<string>>> CallsAsync(string path, string method)
    {
        var result = await CallAsync(new JsonObject { ["op"] = "calls", ["path"] = path, ["method"] = method });
        return [.. result.AsArray().Select(c => (IReadOnlyList<string>)[.. c!.AsArray().Select(a => a!.GetValue<string>())])];
    }

    /// <summary>Kills every process and removes the temporary directory.</summary>
    public async ValueTask DisposeAsync()
    {
        KillBus();
        await Task.Yield();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A process may still hold its log for a moment; the temp directory is cleaned by the OS.
        }

        _gate.Dispose();
    }

    private async Task StartBusAsync(string daemon)
    {
        var config = Path.Combine(_dir, "bus.conf");

        // A session-type bus of our own: anyone may own any name and talk to anyone (the mock takes org.bluez).
        await File.WriteAllTextAsync(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
              "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>session</type>
              <listen>unix:path={_dir}/bus</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow send_destination="*" eavesdrop="true"/>
                <allow eavesdrop="true"/>
                <allow own="*"/>
              </policy>
            </busconfig>
            """);
        _daemon = Start(daemon, ["--nofork", "--print-address", $"--config-file={config}"], new Dictionary<string, string>());
        BusAddress = (await ReadLineAsync(_daemon, StartLimit, "dbus-daemon to print its address")).Trim();
    }

    private async Task<JsonNode> CallAsync(JsonObject command)
    {
        var controller = _controller ?? throw new InvalidOperationException("the BlueZ mock is not running");
        await _gate.WaitAsync();
        try
        {
            await controller.StandardInput.WriteLineAsync(command.ToJsonString());
            await controller.StandardInput.FlushAsync();
            var answer = JsonNode.Parse(await ReadLineAsync(controller, CallLimit, $"the mock to answer {command["op"]}"))!;
            if (answer["ok"]?.GetValue<bool>() != true)
            {
                throw new InvalidOperationException($"BlueZ mock {command["op"]}: {answer["error"]}");
            }

            return answer["result"] ?? JsonValue.Create(true);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task<string> ReadLineAsync(Process process, TimeSpan limit, string what)
    {
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(limit);
            return line ?? throw new InvalidOperationException($"waiting for {what}: the process exited ({await process.StandardError.ReadToEndAsync()})");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"waiting for {what}: nothing within {limit.TotalSeconds:0} s");
        }
    }

    private static Process Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> env)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env)
        {
            info.Environment[k] = v;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
    }

    private static void KillProcess(Process? process)
    {
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    private static string? FindDaemon()
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin");
        return dirs.Select(d => Path.Combine(d, "dbus-daemon")).FirstOrDefault(File.Exists);
    }

    private static async Task<bool> HasDbusMockAsync()
    {
        if (!File.Exists(Python))
        {
            return false;
        }

        using var check = Start(Python, ["-c", "import dbusmock"], new Dictionary<string, string>());
        using var cts = new CancellationTokenSource(StartLimit);
        await check.WaitForExitAsync(cts.Token);
        return check.ExitCode == 0;
    }
}
