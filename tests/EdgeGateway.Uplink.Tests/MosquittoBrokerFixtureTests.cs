using System.Net;
using System.Net.Sockets;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Uplink.Tests;

[Trait("Category", "Integration")]
public sealed class MosquittoBrokerFixtureTests
{
    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Start_stop_kill_and_restart_on_the_same_port()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var port = broker.Port;
        Assert.True(await AcceptsAsync(port));

        await broker.StopAsync();
        Assert.False(broker.IsRunning);
        Assert.False(await AcceptsAsync(port));

        await broker.RestartAsync();
        Assert.Equal(port, broker.Port);
        Assert.True(await AcceptsAsync(port));

        broker.Kill();
        Assert.False(broker.IsRunning);
        Assert.False(await AcceptsAsync(port));

        await broker.RestartAsync();
        Assert.True(await AcceptsAsync(port));
    }
}
