using EdgeGateway.Core.Alarms;
using static EdgeGateway.Uplink.Commands.CommandJson;

namespace EdgeGateway.Uplink.Commands.Binders;

/// <summary><c>alarm.test</c>: raises a test alarm on the loop; the reply carries its event id (the centre sees the event itself).</summary>
internal sealed class AlarmTestBinder(ITestAlarm testAlarm, TimeProvider time) : ICommandBinder
{
    /// <summary>The loop answers in microseconds; longer means it is wedged, and the watchdog will restart the gateway.</summary>
    private static readonly TimeSpan RaiseTimeout = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public IReadOnlyList<string> Types { get; } = [CommandTypes.AlarmTest];

    /// <inheritdoc />
    public CommandAction Bind(CommandEnvelope command)
    {
        Only(command.Args, "message");
        var message = OptionalString(command.Args, "message", 256, "args.message");
        return () =>
        {
            TestAlarmResult result;
            using (var limit = new CancellationTokenSource(RaiseTimeout, time))
            {
                try
                {
                    // Commands are handled one at a time on the uplink's thread, so the reply waits for the loop's answer.
                    result = testAlarm.SendAsync(new TestAlarmRequest(command.By, message), limit.Token).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (limit.IsCancellationRequested)
                {
                    result = TestAlarmResult.Failed($"the alarm loop did not take the test alarm within {RaiseTimeout.TotalSeconds:0} s");
                }
            }

            return result is { Ok: true, EventId: { } eventId }
                ? w => w.WriteString("event", eventId)
                : throw new CommandRejection(CommandErrorCodes.Refused, null, result.FailureReason ?? "the test alarm was not raised");
        };
    }
}
