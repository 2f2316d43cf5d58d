using System.IO.Ports;
using System.Text;

namespace EdgeGateway.TestSupport;

/// <summary>
/// The technician's laptop on the far end of a serial line: a System.IO.Ports port that records everything the
/// console prints, so tests type and then wait (bounded) for expected text.
/// </summary>
public sealed class LaptopTerminal : IDisposable
{
    private readonly SerialPort _port;
    private readonly StringBuilder _screen = new();
    private readonly Lock _lock = new();
    private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
    private readonly Task _pump;
    private readonly Screen _expect;
    private volatile bool _stop;

    /// <summary>Opens <paramref name="tty"/> at 115200 8N1 and starts recording.</summary>
    public LaptopTerminal(string tty)
    {
        _port = new SerialPort(tty, 115200) { ReadTimeout = 100, WriteTimeout = 10_000 };
        _port.Open();
        _expect = new Screen(() => Screen);
        _pump = Task.Factory.StartNew(Pump, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Everything printed so far.</summary>
    public string Screen
    {
        get
        {
            lock (_lock)
            {
                return _screen.ToString();
            }
        }
    }

    /// <summary>Sends raw bytes in 1 KB pieces, like a terminal pasting: a pty holds only a few KB in flight.</summary>
    public void Type(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        for (var at = 0; at < bytes.Length; at += 1024)
        {
            _port.Write(bytes, at, Math.Min(1024, bytes.Length - at));
        }
    }

    /// <summary>Sends <paramref name="text"/> as UTF-8.</summary>
    public void Type(string text) => Type(Encoding.UTF8.GetBytes(text));

    /// <summary>Waits for <paramref name="text"/> after what was already matched; returns the screen up to and including it.</summary>
    public Task<string> ExpectAsync(string text, double seconds = 10) => _expect.ExpectAsync(text, seconds);

    /// <summary>Logs in to a gateway's console with <paramref name="pin"/>: the gateway offers the console again every 5 s, and its banner may predate this end opening, so Enter is pressed until the PIN prompt shows.</summary>
    public async Task LogInAsync(string pin)
    {
        for (var attempt = 0; ; attempt++)
        {
            Type("\r");
            try
            {
                await ExpectAsync("PIN: ", 1);
                break;
            }
            catch (TimeoutException) when (attempt < 15)
            {
            }
        }

        Type(pin + "\r");
        await ExpectAsync("logged in");
        await ExpectAsync("> ");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop = true;
        _pump.Wait(TimeSpan.FromSeconds(5));

        // Close the stream before the port: SerialPort.Dispose flushes, and on a hung-up line that flush never ends.
        if (_port.IsOpen)
        {
            _port.BaseStream.Dispose();
        }

        _port.Dispose();
    }

    private void Pump()
    {
        var buffer = new byte[4096];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (!_stop)
        {
            try
            {
                var n = _port.BaseStream.Read(buffer, 0, buffer.Length);
                lock (_lock)
                {
                    // A multi-byte character may straddle two reads; the decoder keeps the first half.
                    _screen.Append(chars, 0, _utf8.GetChars(buffer, 0, n, chars, 0));
                }
            }
            catch (TimeoutException)
            {
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
            {
                return;
            }
        }
    }
}
