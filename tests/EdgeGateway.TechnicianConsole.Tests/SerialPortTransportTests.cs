using EdgeGateway.TechnicianConsole.Transport;
using EdgeGateway.TestSupport;

namespace EdgeGateway.TechnicianConsole.Tests;

/// <summary>
/// The tty transport on a real pty pair when the line dies: a pulled cable (socat killed) or a far end that stops
/// reading. Nothing may wait forever, and closing must be prompt, whatever System.IO.Ports' I/O loop did.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SerialPortTransportTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private readonly string _dir = Directory.CreateTempSubdirectory("egt-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task A_hangup_ends_the_pending_read_and_fails_later_writes_at_once()
    {
        using var cable = await PtyPair.StartAsync(_dir);
        var transport = new SerialPortTransport(cable.GatewayEnd);
        using var laptop = new LaptopTerminal(cable.LaptopEnd);
        await transport.WriteAsync("hello\r\n"u8.ToArray(), CancellationToken.None);
        await laptop.ExpectAsync("hello");
        var read = transport.ReadAsync(new byte[64], CancellationToken.None).AsTask();

        cable.Hangup();

        Assert.Equal(0, await read.WaitAsync(Bound));
        Assert.True(transport.IsGone);
        var write = await Assert.ThrowsAsync<IOException>(() => transport.WriteAsync("x"u8.ToArray(), CancellationToken.None).AsTask().WaitAsync(Bound));
        Assert.Equal($"console tty {cable.GatewayEnd} hung up", write.Message);
        Assert.Equal(0, await transport.ReadAsync(new byte[64], CancellationToken.None).AsTask().WaitAsync(Bound));
        await transport.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    [Fact]
    public async Task A_write_after_an_unnoticed_hangup_fails_instead_of_hanging()
    {
        using var cable = await PtyPair.StartAsync(_dir);
        var transport = new SerialPortTransport(cable.GatewayEnd);

        // No read is pending, so nothing has noticed the hangup before this write.
        cable.Hangup();

        await Assert.ThrowsAsync<IOException>(() => transport.WriteAsync("are you there?"u8.ToArray(), CancellationToken.None).AsTask().WaitAsync(Bound));
        Assert.True(transport.IsGone);
        await transport.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    [Fact]
    public async Task A_far_end_that_stops_reading_fails_the_write_within_its_budget()
    {
        using var cable = await PtyPair.StartAsync(_dir);

        // Nobody opens the laptop end: socat fills its buffer, then ours, and then the kernel stops taking bytes.
        var transport = new SerialPortTransport(cable.GatewayEnd, minimumWriteBudget: TimeSpan.FromSeconds(1));
        var chunk = new byte[1024];
        var written = 0L;
        var failure = await Assert.ThrowsAsync<IOException>(async () =>
        {
            while (written < 64 * 1024 * 1024)
            {
                await transport.WriteAsync(chunk, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                written += chunk.Length;
            }
        });
        Assert.Equal($"console tty {cable.GatewayEnd}: 1024 bytes not taken within 1 s; the terminal is not reading", failure.Message);
        Assert.True(written > 0, "the line took nothing at all");
        Assert.True(transport.IsGone);
        Assert.Equal(0, await transport.ReadAsync(new byte[64], CancellationToken.None).AsTask().WaitAsync(Bound));
        await transport.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    [Fact]
    public async Task Cancelling_a_read_leaves_the_line_usable()
    {
        using var cable = await PtyPair.StartAsync(_dir);
        var transport = new SerialPortTransport(cable.GatewayEnd);
        using var laptop = new LaptopTerminal(cable.LaptopEnd);
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transport.ReadAsync(new byte[64], cts.Token).AsTask().WaitAsync(Bound));
        }

        Assert.False(transport.IsGone);
        laptop.Type("pin\r");
        var received = new List<byte>();
        var buffer = new byte[64];
        while (received.Count < 4)
        {
            var n = await transport.ReadAsync(buffer, CancellationToken.None).AsTask().WaitAsync(Bound);
            Assert.NotEqual(0, n);
            received.AddRange(buffer.AsSpan(0, n));
        }

        Assert.Equal("pin\r", System.Text.Encoding.ASCII.GetString([.. received]));
        await transport.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    [Fact]
    public void A_missing_tty_is_named_in_the_error()
    {
        var missing = Path.Combine(_dir, "ttyNOPE");
        var error = Assert.Throws<IOException>(() => new SerialPortTransport(missing));
        Assert.StartsWith($"cannot open console tty {missing}:", error.Message, StringComparison.Ordinal);
    }
}
