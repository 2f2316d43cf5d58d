using EdgeGateway.Adapters;
using EdgeGateway.Composition;
using EdgeGateway.Configuration;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.Runtime;
using EdgeGateway.TechnicianConsole;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TechnicianConsole.Transport;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Tests.Adapters;

/// <summary>
/// A real gateway on the system clock with its technician console on one end of a pseudo-terminal pair and the
/// technician's laptop on the other, as the commissioning tests use it; disposing stops all of it.
/// </summary>
internal sealed class ConsoleOnSerialLine : IAsyncDisposable
{
    private readonly PtyPair _cable;
    private readonly ConsoleServer _console;

    private ConsoleOnSerialLine(PtyPair cable, Gateway gateway, ConsoleServer console, LaptopTerminal laptop, string configPath)
    {
        _cable = cable;
        Gateway = gateway;
        _console = console;
        Laptop = laptop;
        ConfigPath = configPath;
    }

    /// <summary>The gateway, started.</summary>
    public Gateway Gateway { get; }

    /// <summary>The home's pins, to act as the sensors would.</summary>
    public SimulatedGpioDriver Pins => Gateway.Home.Hardware.SimulatedGpio!;

    /// <summary>The technician's end of the serial line, not yet logged in.</summary>
    public LaptopTerminal Laptop { get; }

    /// <summary>The config file the console reads and writes.</summary>
    public string ConfigPath { get; }

    /// <summary>Writes <paramref name="config"/> to <c>dir/config.json</c> (the file the console edits) and starts it all.</summary>
    public static async Task<ConsoleOnSerialLine> StartAsync(string dir, GatewayConfig config, string dataDir, TimeSpan walkTestTimeout, StrictLogs logs)
    {
        var configPath = Path.Combine(dir, "config.json");
        await File.WriteAllTextAsync(configPath, config.ToJson());
        var cable = await PtyPair.StartAsync(dir);
        Gateway? gateway = null;
        try
        {
            var clock = new Core.Time.FixedClockSyncStatus(true);
            gateway = new GatewayBuilder(clock, logs, TimeProvider.System).Build(config, dataDir);
            await gateway.StartAsync(CancellationToken.None);
            var services = new ConsoleBridge(gateway, clock).Services(GatewayConfigStore.Open(configPath, TimeProvider.System), dataDir, new LogTail(TimeProvider.System), GatewayService.ReloadNotice);
            var console = new ConsoleServer(
                new SerialPortTransport(cable.GatewayEnd),
                services,
                TimeProvider.System,
                new ConsoleOptions { PinHash = PinHash.Create(PinPolicy.DemoPin, 1000).ToString(), WalkTestTimeout = walkTestTimeout },
                logs.For<ConsoleServer>());
            console.Start();
            return new ConsoleOnSerialLine(cable, gateway, console, new LaptopTerminal(cable.LaptopEnd), configPath);
        }
        catch
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }

            cable.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Laptop.Dispose();
        await _console.DisposeAsync();
        await Gateway.DisposeAsync();
        _cable.Dispose();
    }
}
