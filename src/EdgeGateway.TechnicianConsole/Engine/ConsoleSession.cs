using System.Text;
using System.Threading.Channels;
using EdgeGateway.TechnicianConsole.Commands;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TechnicianConsole.Services;
using EdgeGateway.TechnicianConsole.Transport;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.TechnicianConsole.Engine;

/// <summary>
/// One terminal's session: PIN login, then commands until logout or idle timeout, then the PIN prompt again,
/// until the terminal disconnects or the host stops the console.
/// </summary>
/// <remarks>
/// A reader task turns bytes into lines while a command runs, so Ctrl-C can cancel <c>watch</c> and <c>test</c>.
/// Session states: Locked (PIN prompt) → LoggedIn (commands) → Locked on logout or timeout.
/// </remarks>
internal sealed class ConsoleSession : ICommandContext, IDisposable
{
    private const string Actor = "technician";

    private readonly IConsoleTransport _transport;
    private readonly ConsoleOptions _options;
    private readonly LoginGuard _guard;
    private readonly ILogger _logger;
    private readonly PinHash _pin;
    private readonly LineEditor _editor = new();
    private readonly Lock _editorLock = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<LineEvent> _lines = Channel.CreateBounded<LineEvent>(new BoundedChannelOptions(16)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly ConsoleCommands _commands;
    private CancellationTokenSource? _running;
    private bool _loggedIn;
    private CancellationToken _stop;

    public ConsoleSession(IConsoleTransport transport, ConsoleServices services, TimeProvider time, ConsoleOptions options, LoginGuard guard, ILogger logger)
    {
        _transport = transport;
        Services = services;
        Time = time;
        _options = options;
        _guard = guard;
        _logger = logger;
        _pin = PinHash.Parse(options.PinHash);
        Color = options.Color;
        _commands = new ConsoleCommands(this);
    }

    public ConsoleServices Services { get; }

    public TimeProvider Time { get; }

    public ConsoleOptions Options => _options;

    public bool Color { get; set; }

    public string ActorName => $"{Actor}@{_transport.Name}";

    public bool LogoutRequested { get; set; }

    public async Task<SessionEnd> RunAsync(CancellationToken stop)
    {
        _stop = stop;
        using var readerStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var reader = Task.Run(() => ReadLoopAsync(readerStop.Token), CancellationToken.None);
        try
        {
            await WriteLineAsync(_options.Banner).ConfigureAwait(false);
            while (true)
            {
                if (!await LoginAsync().ConfigureAwait(false))
                {
                    break;
                }

                if (!await CommandLoopAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or ChannelClosedException)
        {
            // The terminal vanished mid-write or the host is stopping; either way the session is over.
        }
        finally
        {
            // However the session ended (line gone mid-command or at the prompt, host stopping), an open login is closed on the record.
            if (_loggedIn && stop.IsCancellationRequested)
            {
                Audit("session-stopped", "console stopped while logged in");
                Log.LoggedOut(_logger, _transport.Name, "console stopped");
            }
            else if (_loggedIn)
            {
                Audit("disconnect", "terminal gone while logged in");
                Log.LoggedOut(_logger, _transport.Name, "disconnected");
            }

            await readerStop.CancelAsync().ConfigureAwait(false);
            try
            {
                await reader.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return stop.IsCancellationRequested ? SessionEnd.Stopped : SessionEnd.Disconnected;
    }

    private async Task<bool> LoginAsync()
    {
        while (true)
        {
            var lockout = _guard.RemainingLockout();
            lock (_editorLock)
            {
                _editor.Masked = true;
            }

            await WriteAsync("PIN: ").ConfigureAwait(false);
            var line = await ReadLineAsync(idle: null).ConfigureAwait(false);
            lock (_editorLock)
            {
                _editor.Masked = false;
            }

            if (line is null)
            {
                return false;
            }

            if (line.Value.Kind != LineEventKind.Line || line.Value.Text.Length == 0)
            {
                continue;
            }

            lockout = _guard.RemainingLockout();
            if (lockout > TimeSpan.Zero)
            {
                Audit("login-refused", $"locked for {Seconds(lockout)} s more");
                await WriteLineAsync($"locked: too many wrong PINs, try again in {Seconds(lockout)} s").ConfigureAwait(false);
                continue;
            }

            if (_pin.Verify(line.Value.Text))
            {
                _guard.RecordSuccess();
                _loggedIn = true;
                Audit("login-ok", $"on {_transport.Name}");
                Log.LoggedIn(_logger, _transport.Name);
                await WriteLineAsync("logged in: type help for the commands").ConfigureAwait(false);
                return true;
            }

            var delay = _guard.RecordFailure();
            Log.WrongPin(_logger, _transport.Name, _guard.Failures);
            Audit("login-failed", $"wrong PIN ({_guard.Failures} in a row)");
            await WriteLineAsync(delay > TimeSpan.Zero
                ? $"wrong PIN (locked for {Seconds(delay)} s)"
                : "wrong PIN").ConfigureAwait(false);
        }
    }

    private async Task<bool> CommandLoopAsync()
    {
        LogoutRequested = false;
        while (!LogoutRequested)
        {
            await WriteAsync("eg> ").ConfigureAwait(false);
            LineEvent? line;
            try
            {
                line = await ReadLineAsync(_options.IdleTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _loggedIn = false;
                Audit("timeout", $"idle {_options.IdleTimeout.TotalMinutes:0.#} min");
                Log.LoggedOut(_logger, _transport.Name, "idle timeout");
                await WriteLineAsync($"\r\nlogged out: idle for {_options.IdleTimeout.TotalMinutes:0.#} min").ConfigureAwait(false);
                return true;
            }

            if (line is null)
            {
                return false;
            }

            switch (line.Value.Kind)
            {
                case LineEventKind.Interrupt:
                    continue;
                case LineEventKind.Rejected:
                    await ErrorAsync(line.Value.Text).ConfigureAwait(false);
                    continue;
            }

            if (line.Value.Text.Trim().Length == 0)
            {
                continue;
            }

            if (!CommandLine.TryParse(line.Value.Text, out var parsed, out var error))
            {
                await ErrorAsync(error!).ConfigureAwait(false);
                continue;
            }

            await RunCommandAsync(parsed!).ConfigureAwait(false);
        }

        _loggedIn = false;
        Log.LoggedOut(_logger, _transport.Name, "logout");
        return true;
    }

    private async Task RunCommandAsync(CommandLine command)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(_stop);
        Volatile.Write(ref _running, running);
        try
        {
            await _commands.RunAsync(command, running.Token).ConfigureAwait(false);
        }
        catch (CommandUsageException ex)
        {
            await ErrorAsync(ex.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested && !_stop.IsCancellationRequested)
        {
            await WriteLineAsync($"{command.Command}: cancelled").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (IOException or ObjectDisposedException) && !_stop.IsCancellationRequested)
        {
            // The console must never take the gateway down: report, log, carry on.
            Log.CommandFailed(_logger, ex, command.Command);
            await ErrorAsync($"{command.Command} failed: {ex.Message}").ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _running, null);
        }
    }

    private async Task<LineEvent?> ReadLineAsync(TimeSpan? idle)
    {
        using var idleCts = idle is { } t ? new CancellationTokenSource(t, Time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(idleCts.Token, _stop);
        try
        {
            if (await _lines.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false) && _lines.Reader.TryRead(out var line))
            {
                return line;
            }

            return null;
        }
        catch (OperationCanceledException) when (idleCts.IsCancellationRequested && !_stop.IsCancellationRequested)
        {
            throw new TimeoutException("idle");
        }
    }

    private async Task ReadLoopAsync(CancellationToken ct)
    {
        var buffer = new byte[1024];
        var events = new List<LineEvent>();
        var echo = new List<byte>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var n = await _transport.ReadAsync(buffer, ct).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                events.Clear();
                echo.Clear();
                var running = Volatile.Read(ref _running);
                lock (_editorLock)
                {
                    for (var i = 0; i < n; i++)
                    {
                        if (running is not null)
                        {
                            // While a command runs only Ctrl-C matters; other keys would garble its output.
                            if (buffer[i] == 0x03)
                            {
                                running.Cancel();
                                echo.AddRange("^C\r\n"u8);
                                running = null;
                            }

                            continue;
                        }

                        _editor.Feed(buffer[i], events, echo);
                    }
                }

                if (echo.Count > 0)
                {
                    await WriteRawAsync(echo.ToArray()).ConfigureAwait(false);
                }

                foreach (var e in events)
                {
                    _lines.Writer.TryWrite(e);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or UnauthorizedAccessException or InvalidOperationException)
        {
            // EOF, a vanished tty (EIO) or stop: all end the session the same way.
        }
        finally
        {
            _lines.Writer.TryComplete();
            Volatile.Read(ref _running)?.Cancel();
        }
    }

    public Task WriteLineAsync(string text) => WriteAsync(text + "\n");

    public Task ErrorAsync(string message) =>
        WriteLineAsync(Color ? $"\u001b[31merror:\u001b[0m {message}" : $"error: {message}");

    public Task WriteAsync(string text)
    {
        // Terminals in raw mode need CR LF; normalise whatever the commands wrote.
        var normalised = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        return WriteRawAsync(Encoding.UTF8.GetBytes(normalised));
    }

    public string Paint(string text, ConsoleColor color)
    {
        if (!Color)
        {
            return text;
        }

        var code = color switch
        {
            ConsoleColor.Red => "31",
            ConsoleColor.Green => "32",
            ConsoleColor.Yellow => "33",
            _ => "1",
        };
        return $"\u001b[{code}m{text}\u001b[0m";
    }

    public void Audit(string action, string detail) =>
        Services.Audit.Record(new AuditEntry(Time.GetUtcNow(), ActorName, action, detail));

    private async Task WriteRawAsync(byte[] bytes)
    {
        await _writeLock.WaitAsync(_stop).ConfigureAwait(false);
        try
        {
            await _transport.WriteAsync(bytes, _stop).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

    private static long Seconds(TimeSpan t) => (long)Math.Ceiling(t.TotalSeconds);
}
