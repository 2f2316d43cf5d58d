using EdgeGateway.Contract;
using EdgeGateway.TechnicianConsole.Services;

namespace EdgeGateway.Runtime;

/// <summary>What the console needs of a running gateway; the real one and the demo's both provide it.</summary>
internal interface IRunningGateway
{
    Home Home { get; }

    bool UplinkConnected { get; }

    /// <summary>Each configured path to the centre and its state, for the console's status.</summary>
    IReadOnlyList<UplinkPathStatus> UplinkPaths { get; }

    long OutboxDepth { get; }

    TimeSpan? OldestPendingAge { get; }

    /// <summary>Until when routine (non-alarm) events wait after an outage or a power cut, or null when none are held.</summary>
    DateTimeOffset? RoutineHeldUntil { get; }

    event Func<EventAck, Task>? AckReceived;
}
