using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.NextOfKin;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Escalation;

/// <summary>Raises the escalation level of an alarm nobody took on in time (<see cref="DutyCentreOptions.Escalations"/>), and says so on the page and the webhook.</summary>
/// <remarks>The same pass asks <see cref="KinMessenger"/> whether a home's next of kin are due an SMS for an untaken alarm.</remarks>
internal sealed partial class Escalator(IArchive archive, DutyCentreOptions options, ChangeFeed changes, EscalationWebhook webhook, KinMessenger kin, Action<DateTimeOffset> due, ILogger logger)
{
    /// <summary>Escalates every open, untaken alarm whose next level is due by <paramref name="now"/>, and announces the next deadline.</summary>
    public async Task EscalateAsync(DateTimeOffset now, CancellationToken ct)
    {
        var open = await archive.AlarmsAsync(openOnly: true, ct).ConfigureAwait(false);
        kin.KeepOnly(open.Select(a => a.Id).ToHashSet());
        foreach (var alarm in open)
        {
            if (alarm.State is not (AlarmStates.Raised or AlarmStates.Delivered))
            {
                continue;
            }

            if (await kin.UntakenAsync(alarm, now, ct).ConfigureAwait(false) is { } smsDue)
            {
                due(smsDue);
            }

            var level = options.Escalations.Count(e => alarm.ReceivedAt + e <= now);
            if (level < options.Escalations.Count)
            {
                due(alarm.ReceivedAt + options.Escalations[level]);
            }

            if (level > alarm.Escalation && await archive.EscalateAsync(alarm.Id, level, now, ct).ConfigureAwait(false))
            {
                var escalated = (await archive.AlarmAsync(alarm.Id, ct).ConfigureAwait(false))!;
                LogEscalated(logger, alarm.Id, alarm.Gateway, level);
                changes.Publish(new CentreChange("escalation", escalated, null));
                await webhook.PostAsync(escalated, ct).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Alarm {Alarm} of {Gateway} not taken: escalated to level {Level}")]
    private static partial void LogEscalated(ILogger logger, Guid alarm, string gateway, int level);
}
