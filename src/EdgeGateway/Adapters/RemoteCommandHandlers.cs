using EdgeGateway.Configuration;
using EdgeGateway.Contract;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Time;
using EdgeGateway.Runtime;
using EdgeGateway.Uplink.Commands;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Adapters;

/// <summary>The gateway's side of the centre's commands: test alarm and status here, config through <see cref="RemoteConfigCommands"/> over the one versioned store.</summary>
internal sealed class RemoteCommandHandlers : ITestAlarm, IStatusProvider, ICommandReplyPublisher
{
    private readonly Gateway _gateway;
    private readonly IClockSyncStatus _clock;
    private readonly ConfigStore _store;

    private RemoteCommandHandlers(Gateway gateway, IClockSyncStatus clock, ConfigStore store)
    {
        _gateway = gateway;
        _clock = clock;
        _store = store;
    }

    /// <summary>Subscribes the gateway's uplink to the centre's commands; each gets exactly one reply.</summary>
    public static void Attach(Gateway gateway, IClockSyncStatus clock, ConfigStore store, string dataDir, ILogger logger, TimeProvider time, IReleaseUpdates? updates = null)
    {
        var commands = new RemoteCommandHandlers(gateway, clock, store);
        var window = new CommandReplayWindow(time, path: Path.Combine(dataDir, "seen-commands"));
        var processor = new CommandProcessor(
            gateway.Home.Events.GatewayId,
            time,
            clock,
            window,
            new AlarmLoopCommands(gateway.Home.Loop),
            commands,
            commands,
            new RemoteConfigCommands(store),
            updates: updates);
        var intake = new CommandIntake(new CommandHandler(processor, commands, logger), time, logger);
        gateway.Uplink.CommandReceived += payload =>
        {
            intake.Offer(payload);
            return Task.CompletedTask;
        };
        gateway.StopWith("command intake", async () =>
        {
            await intake.DisposeAsync().ConfigureAwait(false);
            window.Dispose();
        });
    }

    public Task PublishReplyAsync(ReadOnlyMemory<byte> reply, CancellationToken cancellationToken) =>
        _gateway.Uplink.PublishReplyAsync(reply.ToArray(), cancellationToken);

    public Task<TestAlarmResult> SendAsync(TestAlarmRequest request, CancellationToken cancellationToken) =>
        ConsoleBridge.SendTestAlarmAsync(_gateway, request with { By = $"centre ({request.By})" }, cancellationToken);

    public GatewayStatusReport GetStatus()
    {
        var home = _gateway.Home;
        return new GatewayStatusReport(
            home.Events.BootId,
            home.Events.Uptime,
            _clock.IsSynchronised,
            _gateway.Outbox.Depth,
            _store.Version,
            [.. home.Loop.ActiveAlarms.Select(a => new ActiveAlarmInfo(a.Id, CloudEventCodec.TypePrefix + a.Event.Spec.TypeName, a.State.ToWire()))],
            GatewayStates.Status(home, _gateway.Uplink.AnyPathUp));
    }
}
