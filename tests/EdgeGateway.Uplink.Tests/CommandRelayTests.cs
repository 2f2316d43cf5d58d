using System.Threading.Channels;
using EdgeGateway.Uplink.Mqtt;

namespace EdgeGateway.Uplink.Tests;

/// <summary>The persistent session hands over queued commands right after the CONNACK, possibly before the host attached its handler.</summary>
public sealed class CommandRelayTests
{
    [Fact]
    public async Task A_command_that_arrives_before_the_handler_attaches_is_handed_to_it()
    {
        var relay = new CommandRelay("gw-1", () => null);
        relay.Relay("first"u8.ToArray());
        relay.Relay("second"u8.ToArray());

        var got = Channel.CreateUnbounded<string>();
        relay.CommandReceived += payload => got.Writer.WriteAsync(System.Text.Encoding.UTF8.GetString(payload)).AsTask();
        relay.Relay("third"u8.ToArray());

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new HashSet<string>();
        while (received.Count < 3)
        {
            received.Add(await got.Reader.ReadAsync(timeout.Token));
        }

        Assert.Equal(["first", "second", "third"], received.Order());
    }

    [Fact]
    public async Task Without_any_handler_only_the_newest_commands_are_kept()
    {
        var relay = new CommandRelay("gw-1", () => null);
        for (var i = 0; i < CommandRelay.MaxWaiting + 10; i++)
        {
            relay.Relay([(byte)i]);
        }

        var got = Channel.CreateUnbounded<byte>();
        relay.CommandReceived += payload => got.Writer.WriteAsync(payload[0]).AsTask();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new List<byte>();
        while (received.Count < CommandRelay.MaxWaiting)
        {
            received.Add(await got.Reader.ReadAsync(timeout.Token));
        }

        Assert.Equal(Enumerable.Range(10, CommandRelay.MaxWaiting).Select(i => (byte)i), received.Order());
        Assert.False(got.Reader.TryRead(out _));
    }
}
