using EdgeGateway.Configuration;
using EdgeGateway.Demo;

namespace EdgeGateway.Centre.Tests;

/// <summary>The config of a real simulated gateway that raises a real alarm by itself a few seconds after start.</summary>
internal static class AlarmingGateway
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    /// <summary>Writes the config under <paramref name="dir"/> and returns its path.</summary>
    public static string WriteConfig(string dir, string brokerUrl, string gatewayId)
    {
        var config = SimulatedHome.Config(Oslo, Path.Combine(dir, "data"));

        // Inactivity with second-long limits, counted only on the front door (which stays shut), in a day window around now.
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Oslo).DateTime);
        config.Rules.Day = new Core.Rules.TimeWindowOptions { Start = local.AddHours(-1), End = local.AddHours(2) };
        config.Rules.Inactivity = new Core.Rules.InactivityOptions
        {
            ActivitySensorIds = [SimulatedHome.FrontDoor],
            Limit = TimeSpan.FromSeconds(1),
            WarningDuration = TimeSpan.FromSeconds(1),
            CheckInterval = TimeSpan.FromSeconds(1),
        };
        config = new GatewayConfig { GatewayId = gatewayId, Simulated = true, DataDirectory = config.DataDirectory, Devices = config.Devices, Rules = config.Rules, Uplink = new UplinkConfig { Broker = brokerUrl, HeartbeatSeconds = 1, KeepAliveSeconds = 2, PlainLoopbackDemo = true } };
        var path = Path.Combine(dir, "config.json");
        File.WriteAllText(path, config.ToJson());
        return path;
    }
}
