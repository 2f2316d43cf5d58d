using EdgeGateway.Core.Alarms;
using static EdgeGateway.TechnicianConsole.Commands.VerbArguments;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary><c>test SENSOR | test mains | test wearable | test alarm</c>: a walk-test of a sensor, the mains input or the wearable, or a test alarm to the centre.</summary>
internal sealed class TestVerb(ICommandContext ctx, CommissioningVisit visit) : IConsoleVerb
{
    /// <inheritdoc />
    public VerbHelp Help { get; } = new(
        "test",
        "test SENSOR | test mains | test wearable | test alarm",
        "walk-test a sensor, the mains input or the wearable, or send a test alarm to the centre",
        "test SENSOR guides you: make the sensor active, then idle; each step times out.\ntest mains: pull the UPS's mains plug, then plug it back in; the gateway must see both.\ntest wearable (as wearable test): press its button (a real help alarm), then shake it.\ntest alarm sends a test transmission and prints the round trip to the centre's acknowledgement.");

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 1, 1, "test SENSOR | test mains | test wearable | test alarm");
        if (args[0].Equals("alarm", StringComparison.OrdinalIgnoreCase))
        {
            await TestAlarmAsync(ct).ConfigureAwait(false);
            return;
        }

        // A sensor that happens to be called "mains" wins over the mains input.
        if (args[0].Equals(MainsWalkTest.InputName, StringComparison.OrdinalIgnoreCase) && !ctx.Services.Sensors.List().Any(s => s.SensorId == MainsWalkTest.InputName))
        {
            await new MainsWalkTest(ctx, visit).RunAsync(ct).ConfigureAwait(false);
            return;
        }

        // The wearable by its word or its sensor id: its own test (button and shake) says more than a generic move/still.
        // Without a wearable, "test wearable" still goes there, to be told none is configured rather than "no sensor".
        var isWearable = ctx.Services.Wearable?.Snapshot() is { } wearable
            ? args[0].Equals("wearable", StringComparison.OrdinalIgnoreCase) || args[0].Equals(wearable.SensorId, StringComparison.OrdinalIgnoreCase)
            : args[0].Equals("wearable", StringComparison.OrdinalIgnoreCase) && !ctx.Services.Sensors.List().Any(s => s.SensorId.Equals("wearable", StringComparison.OrdinalIgnoreCase));
        if (isWearable)
        {
            await new WearableWalkTest(ctx, visit).RunAsync(ct).ConfigureAwait(false);
            return;
        }

        await new SensorWalkTest(ctx, visit).RunAsync(FindSensor(ctx, args[0]), ct).ConfigureAwait(false);
    }

    private async Task TestAlarmAsync(CancellationToken ct)
    {
        var timeout = ctx.Options.TestAlarmTimeout;
        await ctx.WriteLineAsync($"sending a test alarm to the centre (waiting up to {timeout.TotalSeconds:0} s for its acknowledgement)…").ConfigureAwait(false);
        using var limit = new CancellationTokenSource(timeout, ctx.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, limit.Token);
        TestAlarmResult result;
        try
        {
            result = await ctx.Services.TestAlarm.SendAsync(new TestAlarmRequest("technician console", AwaitCentreAck: true), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            result = TestAlarmResult.Failed($"no acknowledgement from the centre within {timeout.TotalSeconds:0} s");
        }

        visit.TestAlarm = result;
        if (result.Acknowledged)
        {
            ctx.Audit("test-alarm", $"acknowledged in {result.RoundTrip.TotalMilliseconds:0} ms");
            await ctx.WriteLineAsync($"{ctx.Paint("PASS", ConsoleColor.Green)} test alarm acknowledged by the centre in {result.RoundTrip.TotalMilliseconds:0} ms").ConfigureAwait(false);
        }
        else
        {
            ctx.Audit("test-alarm", $"failed: {result.FailureReason}");
            await ctx.WriteLineAsync($"{ctx.Paint("FAIL", ConsoleColor.Red)} test alarm: {result.FailureReason}").ConfigureAwait(false);
        }
    }
}
