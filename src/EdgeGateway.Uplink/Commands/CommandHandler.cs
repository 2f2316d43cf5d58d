using Microsoft.Extensions.Logging;

namespace EdgeGateway.Uplink.Commands;

/// <summary>Publishes command replies; the MQTT layer implements it (QoS 1 on <c>edgegateway/v1/{gw}/replies</c>, not retained).</summary>
public interface ICommandReplyPublisher
{
    /// <summary>Publishes one reply; throws when it could not be handed to the broker.</summary>
    Task PublishReplyAsync(ReadOnlyMemory<byte> reply, CancellationToken cancellationToken);
}

/// <summary>
/// The seam between the MQTT layer and <see cref="CommandProcessor"/>: the MQTT layer subscribes to
/// <c>edgegateway/v1/{gw}/commands</c> (QoS 1) and calls <see cref="HandleAsync"/> for every message received there.
/// </summary>
/// <remarks>
/// Every payload yields exactly one reply; when the reply cannot be published (link down) the loss is logged with the
/// command id, and the centre, seeing no reply, sends a new command (a resend with the same id would be refused as a replay).
/// </remarks>
public sealed partial class CommandHandler(CommandProcessor processor, ICommandReplyPublisher replies, ILogger logger)
{
    /// <summary>Processes one received payload and publishes its reply; returns the outcome for displays and tests.</summary>
    public async Task<CommandOutcome> HandleAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var outcome = Carry(payload);
        await PublishAsync(outcome, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>Processes one payload (carrying the command out when it passes every check) and logs the outcome; publishes nothing.</summary>
    public CommandOutcome Carry(ReadOnlyMemory<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(processor);
        return Logged(processor.Process(payload));
    }

    /// <summary>Refuses one payload unprocessed (<c>refused</c>, naming <paramref name="reason"/>) and logs it; publishes nothing.</summary>
    public CommandOutcome Refuse(ReadOnlyMemory<byte> payload, string reason)
    {
        ArgumentNullException.ThrowIfNull(processor);
        return Logged(processor.Refuse(payload, reason));
    }

    /// <summary>Publishes the reply of <paramref name="outcome"/>; a reply that cannot be published is logged, never thrown.</summary>
    public async Task PublishAsync(CommandOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(replies);
        try
        {
            await replies.PublishReplyAsync(outcome.Reply, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ReportLost(outcome, ex.Message);
        }
    }

    /// <summary>Logs that the reply of <paramref name="outcome"/> was not published, and why.</summary>
    public void ReportLost(CommandOutcome outcome, string reason)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        LogReplyLost(logger, outcome.CommandId ?? "(unreadable)", reason);
    }

    private CommandOutcome Logged(CommandOutcome outcome)
    {
        if (outcome.Ok)
        {
            LogCommandDone(logger, outcome.CommandId, outcome.Type);
        }
        else
        {
            LogCommandRefused(logger, outcome.CommandId ?? "(unreadable)", outcome.Type ?? "(unreadable)", outcome.ErrorCode!, outcome.ErrorMessage ?? "");
        }

        if (processor.Window.LastPersistError is { } persist)
        {
            LogReplayWindowNotSaved(logger, persist);
        }

        return outcome;
    }

    [LoggerMessage(EventId = 3700, Level = LogLevel.Information, Message = "Command {CommandId} ({Type}) carried out")]
    private static partial void LogCommandDone(ILogger logger, string? commandId, string? type);

    [LoggerMessage(EventId = 3701, Level = LogLevel.Warning, Message = "Command {CommandId} ({Type}) refused: {Code}: {Problem}")]
    private static partial void LogCommandRefused(ILogger logger, string commandId, string type, string code, string problem);

    [LoggerMessage(EventId = 3702, Level = LogLevel.Error, Message = "Reply to command {CommandId} could not be published ({Reason}); the centre will see no reply and must send a new command")]
    private static partial void LogReplyLost(ILogger logger, string commandId, string reason);

    [LoggerMessage(EventId = 3703, Level = LogLevel.Warning, Message = "Command replay window not saved ({Problem}); a restart would forget which commands were carried out")]
    private static partial void LogReplayWindowNotSaved(ILogger logger, string problem);
}
