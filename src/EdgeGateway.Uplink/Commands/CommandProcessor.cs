using System.Text.Json;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Uplink.Commands.Binders;

namespace EdgeGateway.Uplink.Commands;

/// <summary>Limits of <see cref="CommandProcessor"/>.</summary>
public sealed record CommandProcessorOptions
{
    /// <summary>Larger payloads are refused unparsed.</summary>
    public int MaxPayloadBytes { get; init; } = 64 * 1024;

    /// <summary>Deeper JSON is refused as malformed (a command needs depth 3).</summary>
    public int MaxDepth { get; init; } = 16;

    /// <summary>History entries returned when <c>config.history</c> gives no limit.</summary>
    public int DefaultHistoryLimit { get; init; } = 20;
}

/// <summary>What <see cref="CommandProcessor.Process"/> made of one payload: the reply to publish and a summary for the log.</summary>
/// <param name="Reply">The reply JSON, to publish on <c>edgegateway/v1/{gw}/replies</c>.</param>
/// <param name="CommandId">The command's id, or null when unreadable.</param>
/// <param name="Type">The command's type, or null when unreadable.</param>
/// <param name="ErrorCode">A <see cref="CommandErrorCodes"/> value, or null when the command was carried out.</param>
/// <param name="ErrorField">The offending field, when one is to blame.</param>
/// <param name="ErrorMessage">What went wrong.</param>
public sealed record CommandOutcome(byte[] Reply, string? CommandId, string? Type, string? ErrorCode, string? ErrorField, string? ErrorMessage)
{
    /// <summary>True when the command was carried out.</summary>
    public bool Ok => ErrorCode is null;
}

/// <summary>
/// Turns a command payload from the centre into exactly one reply, carrying the command out on the injected interfaces.
/// Transport-neutral and driven by <see cref="TimeProvider"/>: bytes in, reply bytes out.
/// </summary>
/// <remarks>
/// Order of checks: size (unparsed), JSON (bounded depth, duplicates refused), envelope fields, arguments, expiry, replay;
/// only then is anything carried out, so a bad command changes nothing. The id is remembered before the action runs: an
/// action that fails is not retried by a replay, the centre sends a new command. Never throws for any input; an action that
/// throws gives a <c>failed</c> reply. Calls are serialised (one command at a time). The envelope is checked by
/// <see cref="CommandEnvelopeCheck"/>, each type's arguments by its <see cref="ICommandBinder"/>, and the reply is
/// written by <see cref="CommandReplyWriter"/>.
/// </remarks>
public sealed class CommandProcessor
{
    private readonly CommandReplayWindow _window;
    private readonly CommandEnvelopeCheck _envelope;
    private readonly CommandReplyWriter _reply;
    private readonly Dictionary<string, ICommandBinder> _binders = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Creates the processor of <paramref name="gatewayId"/>; without <paramref name="updates"/> every <c>update</c> is refused.</summary>
    public CommandProcessor(
        string gatewayId,
        TimeProvider time,
        IClockSyncStatus clock,
        CommandReplayWindow window,
        IAlarmCommands alarms,
        ITestAlarm testAlarm,
        IStatusProvider status,
        IRemoteConfiguration config,
        CommandProcessorOptions? options = null,
        IReleaseUpdates? updates = null)
    {
        CareEventFactory.ValidateGatewayId(gatewayId);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(alarms);
        ArgumentNullException.ThrowIfNull(testAlarm);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(config);
        options ??= new CommandProcessorOptions();
        _window = window;
        _envelope = new CommandEnvelopeCheck(time, clock, window, options);
        _reply = new CommandReplyWriter(gatewayId, time, clock);
        ICommandBinder[] binders =
        [
            new AlarmActionBinder(alarms),
            new AlarmTestBinder(testAlarm, time),
            new StatusRequestBinder(status),
            new ConfigGetBinder(config),
            new ConfigSetBinder(config, time),
            new ConfigRollbackBinder(config, time),
            new ConfigHistoryBinder(config, options.DefaultHistoryLimit),
            new UpdateBinder(updates ?? new NoReleaseUpdates("this gateway does not update itself (not installed from a release)")),
        ];
        foreach (var binder in binders)
        {
            foreach (var type in binder.Types)
            {
                _binders.Add(type, binder);
            }
        }

        // Every documented type has its binder: a type accepted by the envelope check can always be bound.
        if (CommandTypes.All.FirstOrDefault(t => !_binders.ContainsKey(t)) is { } unbound)
        {
            throw new InvalidOperationException($"command type '{unbound}' has no binder");
        }
    }

    /// <summary>The replay window (its persistence error, if any, is worth a log line).</summary>
    public CommandReplayWindow Window => _window;

    /// <summary>Processes one payload received on the commands topic; always returns exactly one reply.</summary>
    public CommandOutcome Process(ReadOnlyMemory<byte> payload)
    {
        lock (_gate)
        {
            var ctx = new CommandReplyWriter.Context();
            try
            {
                return ProcessCore(payload, ctx);
            }
            catch (CommandRejection r)
            {
                return _reply.Error(ctx, r);
            }
        }
    }

    /// <summary>Answers one payload <c>refused</c> with <paramref name="reason"/> without carrying it out (a sender over its limit); the reply names the command when its id can be read.</summary>
    public CommandOutcome Refuse(ReadOnlyMemory<byte> payload, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        lock (_gate)
        {
            var ctx = new CommandReplyWriter.Context();
            try
            {
                using var doc = _envelope.Parse(payload);
                _ = CommandEnvelopeCheck.Read(doc.RootElement, ctx);
            }
            catch (CommandRejection)
            {
                // Only the id and type were wanted; the refusal below is the answer either way.
            }

            return _reply.Error(ctx, new CommandRejection(CommandErrorCodes.Refused, null, reason));
        }
    }

    private CommandOutcome ProcessCore(ReadOnlyMemory<byte> payload, CommandReplyWriter.Context ctx)
    {
        using var doc = _envelope.Parse(payload);
        var command = CommandEnvelopeCheck.Read(doc.RootElement, ctx);
        var action = _binders[command.Type].Bind(command);
        _envelope.Admit(command);
        Action<Utf8JsonWriter> result;
        try
        {
            result = action();
        }
        catch (CommandRejection)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new CommandRejection(CommandErrorCodes.Failed, null, $"{command.Type} failed on the gateway: {ex.GetType().Name}: {ex.Message}");
        }

        return _reply.Ok(ctx, result);
    }
}
