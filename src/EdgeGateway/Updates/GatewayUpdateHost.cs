using EdgeGateway.Adapters;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Runtime;
using Microsoft.Extensions.Hosting;

namespace EdgeGateway.Updates;

/// <summary>The running gateway as the updater sees it: read through a getter, because a config apply rebuilds the home.</summary>
internal sealed class GatewayUpdateHost(Func<IRunningGateway?> gateway, IHostApplicationLifetime lifetime) : IUpdateHost
{
    /// <summary>The subject (sensor id) of the update events.</summary>
    public const string Subject = "release";

    /// <inheritdoc />
    public bool UplinkConnected => gateway()?.UplinkConnected ?? false;

    /// <inheritdoc />
    public int ActiveAlarms => gateway()?.Home.Loop.ActiveAlarms.Count ?? 0;

    /// <inheritdoc />
    public Task<TestAlarmResult> SendTestAlarmAsync(string by, CancellationToken cancellationToken) =>
        gateway() is { } running
            ? ConsoleBridge.SendTestAlarmAsync(running, new TestAlarmRequest(by, AwaitCentreAck: true), cancellationToken)
            : Task.FromResult(TestAlarmResult.Failed("the home is being rebuilt"));

    /// <inheritdoc />
    public bool PostTechnical(CareEventKind kind, string message, IReadOnlyDictionary<string, string> data) =>
        gateway()?.Home.Loop.TryPostTechnical(kind, Subject, message, data) ?? false;

    /// <inheritdoc />
    public void StopProcess() => lifetime.StopApplication();
}
