using System.Diagnostics;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Power;
using EdgeGateway.Devices.Configuration;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Runtime;

/// <summary>
/// The graceful end on an empty battery: say so to the centre at an alarm's priority, give what is pending the configured
/// time to be delivered, then ask the system to power off. The system's shutdown stops the service the normal way, which
/// stores what the loop still holds, closes the outbox and puts the outputs in their safe state, so the SD card is never
/// cut mid-write. Mains returning before the power-off cancels it. None of it runs on the alarm loop.
/// </summary>
internal sealed partial class GracefulShutdown : IAsyncDisposable
{
    private static readonly TimeSpan DeliveryCheck = TimeSpan.FromSeconds(1);
    private readonly PowerMonitor _power;
    private readonly AlarmLoop _loop;
    private readonly IOutboxReader _outbox;
    private readonly PowerConfig _config;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ReliableUplink _uplink;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<Guid> _noticeId = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _noticeAcked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;
    private Task _ending = Task.CompletedTask;

    public GracefulShutdown(PowerMonitor power, AlarmLoop loop, IOutboxReader outbox, ReliableUplink uplink, PowerConfig config, ILogger logger, TimeProvider time)
    {
        _power = power;
        _loop = loop;
        _outbox = outbox;
        _uplink = uplink;
        _config = config;
        _logger = logger;
        _time = time;
        _power.ShutdownRequested += OnShutdownRequested;
        _loop.Happened += OnHappened;
        _uplink.AckReceived += OnAck;
    }

    private void OnShutdownRequested(PowerState state)
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ending = Task.Run(() => EndAsync(state, _stop.Token));
        }
    }

    private async Task EndAsync(PowerState state, CancellationToken cancellationToken)
    {
        try
        {
            var described = state.ToString();
            var text = $"shutting down on low battery ({described}): the home is unprotected until mains returns";
            LogEnding(_logger, described);
            _loop.TryPostShutdownNotice(text);

            // The battery ends the hold: what waits to be spread would otherwise wait out the restart instead.
            _uplink.ReleaseRoutineHold();

            // Give the notice and everything pending the configured time to reach the centre: done once the centre has
            // acked the notice and the outbox is empty.
            var deadline = _time.GetTimestamp() + (long)(_config.DeliverBeforeShutdownSeconds * _time.TimestampFrequency);
            while (_time.GetTimestamp() < deadline && !(_noticeAcked.Task.IsCompleted && _outbox.Depth == 0))
            {
                await Task.Delay(DeliveryCheck, _time, cancellationToken).ConfigureAwait(false);
                if (_power.State.Supply == PowerSupply.Mains)
                {
                    LogCalledOff(_logger);
                    return;
                }
            }

            if (_outbox.Depth > 0)
            {
                LogUndelivered(_logger, _outbox.Depth);
            }

            if (_power.State.Supply == PowerSupply.Mains)
            {
                LogCalledOff(_logger);
                return;
            }

            PowerOff();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void OnHappened(LoopHappening happening)
    {
        if (happening.Event is { Kind: Core.Events.CareEventKind.PowerShutdown } notice)
        {
            _noticeId.TrySetResult(notice.Id);
        }
    }

    private Task OnAck(Contract.EventAck ack)
    {
        if (_noticeId.Task.IsCompletedSuccessfully && _noticeId.Task.Result == ack.EventId)
        {
            _noticeAcked.TrySetResult();
        }

        return Task.CompletedTask;
    }

    private void PowerOff()
    {
        var command = _config.ShutdownCommand;
        var line = string.Join(' ', command);
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start);
            LogPoweringOff(_logger, line);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // Nothing else can be done: the battery runs out and the card is cut as if there were no UPS; say why.
            LogPowerOffFailed(_logger, line, ex.Message);
        }
    }

    /// <summary>Stops listening and ends a graceful end in progress (the gateway is stopping anyway), waiting for it to stop using its token.</summary>
    public async ValueTask DisposeAsync()
    {
        _power.ShutdownRequested -= OnShutdownRequested;
        _loop.Happened -= OnHappened;
        _uplink.AckReceived -= OnAck;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _ending.ConfigureAwait(false);
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Critical, Message = "Battery at its reserve ({State}): telling the centre, delivering what is pending, then powering off")]
    private static partial void LogEnding(ILogger logger, string state);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Mains came back before the power-off: staying up")]
    private static partial void LogCalledOff(ILogger logger);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Error, Message = "{Depth} event(s) still undelivered at the power-off; they stay stored and go out after the restart")]
    private static partial void LogUndelivered(ILogger logger, long depth);

    [LoggerMessage(EventId = 1023, Level = LogLevel.Critical, Message = "Powering off: {Command}")]
    private static partial void LogPoweringOff(ILogger logger, string command);

    [LoggerMessage(EventId = 1024, Level = LogLevel.Critical, Message = "Could not power off with '{Command}': {Reason}")]
    private static partial void LogPowerOffFailed(ILogger logger, string command, string reason);
}
