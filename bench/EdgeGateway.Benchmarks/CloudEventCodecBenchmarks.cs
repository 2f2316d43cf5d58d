using BenchmarkDotNet.Attributes;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Benchmarks;

/// <summary>Cost of turning an event into its wire form and back.</summary>
[MemoryDiagnoser]
public class CloudEventCodecBenchmarks
{
    private CareEvent _event = null!;
    private byte[] _json = [];

    [GlobalSetup]
    public void Setup()
    {
        var factory = new CareEventFactory("bench-home", TimeProvider.System, new FixedClockSyncStatus(true));
        _event = factory.Create(CareEventKind.NightExit, "front-door", "front-door opened at night");
        _json = CloudEventCodec.Serialize(_event);
    }

    [Benchmark]
    public byte[] Serialize() => CloudEventCodec.Serialize(_event);

    [Benchmark]
    public CareEvent Deserialize() => CloudEventCodec.Deserialize(_json);
}
