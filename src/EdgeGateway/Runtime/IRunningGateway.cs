using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Contract;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Time;
using EdgeGateway.TechnicianConsole.Services;
using Microsoft.Extensions.Logging;

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

    event Func<EventAck, Task>? AckReceived;
}
