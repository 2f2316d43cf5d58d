using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Updates;

/// <summary>What the updater and the health gate need of the running gateway and its process; tests give a fake.</summary>
internal interface IUpdateHost
{
    /// <summary>True while a path to the centre is up.</summary>
    bool UplinkConnected { get; }

    /// <summary>Alarms active on the loop: the switch waits while there are any (a restart would silence a buzzer).</summary>
    int ActiveAlarms { get; }

    /// <summary>Raises a test alarm and waits for the centre's acknowledgement of it until <paramref name="cancellationToken"/> ends.</summary>
    Task<TestAlarmResult> SendTestAlarmAsync(string by, CancellationToken cancellationToken);

    /// <summary>Posts a technical event (subject <c>release</c>) through the loop and the outbox; false when the loop's queue refused it.</summary>
    bool PostTechnical(CareEventKind kind, string message, IReadOnlyDictionary<string, string> data);

    /// <summary>Stops the process gracefully so systemd starts the release <c>current</c> points at.</summary>
    void StopProcess();
}
