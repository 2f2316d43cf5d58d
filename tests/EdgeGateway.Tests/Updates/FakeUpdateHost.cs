using System.Collections.Concurrent;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeGateway.Configuration;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Releases;
using EdgeGateway.Updates;
using EdgeGateway.Uplink.Commands;

namespace EdgeGateway.Tests.Updates;

/// <summary>The running gateway as the updater sees it, with every event posted and every stop asked for recorded.</summary>
internal sealed class FakeUpdateHost : IUpdateHost
{
    private int _stops;

    public volatile bool Connected;

    public volatile int Alarms;

    /// <summary>Of <see cref="Alarms"/>, how many are real (not test) alarms; the rest are test alarms.</summary>
    public volatile int RealAlarms;

    /// <summary>What a test alarm does; by default the centre never acknowledges (waits until the gate's deadline).</summary>
    public Func<CancellationToken, Task<TestAlarmResult>> TestAlarm { get; set; } = async ct =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }

        return TestAlarmResult.Failed("the centre did not acknowledge in time");
    };

    public ConcurrentQueue<(CareEventKind Kind, string Message, IReadOnlyDictionary<string, string> Data)> Events { get; } = new();

    public int TestAlarms;

    public int Stops => Volatile.Read(ref _stops);

    public bool UplinkConnected => Connected;

    public int ActiveAlarms => Alarms;

    public int ActiveAlarmsBesidesTests => RealAlarms;

    public Task<TestAlarmResult> SendTestAlarmAsync(string by, CancellationToken cancellationToken)
    {
        Assert.Equal(HealthGate.By, by);
        Interlocked.Increment(ref TestAlarms);
        return TestAlarm(cancellationToken);
    }

    /// <summary>Posts refused before one is taken (the loop's queue full right after a start).</summary>
    public int RefusePosts;

    public bool PostTechnical(CareEventKind kind, string message, IReadOnlyDictionary<string, string> data)
    {
        if (Interlocked.Decrement(ref RefusePosts) >= 0)
        {
            return false;
        }

        Events.Enqueue((kind, message, data));
        return true;
    }

    public void StopProcess() => Interlocked.Increment(ref _stops);
}
