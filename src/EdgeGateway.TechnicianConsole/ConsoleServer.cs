using EdgeGateway.TechnicianConsole.Engine;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TechnicianConsole.Services;
using EdgeGateway.TechnicianConsole.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.TechnicianConsole;

/// <summary>
/// Runs the technician console on one transport in the background. The host starts it with <see cref="Start"/>
/// and stops it with <see cref="StopAsync"/>; a failure inside the console never escapes into the gateway.
/// </summary>
public sealed class ConsoleServer : IAsyncDisposable
{
    private readonly IConsoleTransport _transport;
    private readonly ConsoleServices _services;
    private readonly TimeProvider _time;
    private readonly ConsoleOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task<SessionEnd>? _run;
    private int _disposed;

    /// <summary>
    /// Creates the console; throws <see cref="FormatException"/> when the PIN hash is malformed. Pass one
    /// <paramref name="guard"/> to every server on the same line, so a reconnect does not reset the wrong-PIN lockout.
    /// </summary>
    public ConsoleServer(IConsoleTransport transport, ConsoleServices services, TimeProvider time, ConsoleOptions options, ILogger<ConsoleServer>? logger = null, LoginGuard? guard = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        _ = PinHash.Parse(options.PinHash);
        _transport = transport;
        _services = services;
        _time = time;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Guard = guard ?? new LoginGuard(time, options.FreeLoginAttempts, options.MaxLockout);
    }

    /// <summary>The wrong-PIN lockout shared by all sessions on this console.</summary>
    public LoginGuard Guard { get; }

    /// <summary>Completes when the session has ended (terminal gone or stopped); never faults.</summary>
    public Task<SessionEnd> Completion => _run ?? throw new InvalidOperationException("console not started: call Start first");

    /// <summary>Starts serving the terminal in the background.</summary>
    public void Start()
    {
        if (_run is not null)
        {
            throw new InvalidOperationException("console already started");
        }

        Log.Started(_logger, _transport.Name);
        _run = Task.Run(RunAsync);
    }

    /// <summary>Ends the session and waits for it.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Close the transport before waiting: a blocked tty read may not observe cancellation.
        await _stop.CancelAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task<SessionEnd> RunAsync()
    {
        try
        {
            using var session = new ConsoleSession(_transport, _services, _time, _options, Guard, _logger);
            var end = await session.RunAsync(_stop.Token).ConfigureAwait(false);
            Log.Ended(_logger, _transport.Name, end == SessionEnd.Stopped ? "stopped" : "disconnected");
            return end;
        }
        catch (Exception ex)
        {
            // Whatever goes wrong in the console, the alarm loop must keep running.
            Log.SessionFailed(_logger, ex, _transport.Name);
            return _stop.IsCancellationRequested ? SessionEnd.Stopped : SessionEnd.Disconnected;
        }
    }
}
