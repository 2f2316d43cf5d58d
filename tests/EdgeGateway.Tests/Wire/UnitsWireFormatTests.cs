using System.Text;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Falls;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.Falls;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Time.Testing;
using UnitsNet;

namespace EdgeGateway.Tests.Wire;

/// <summary>
/// The events whose data and messages carry quantities (water flow, a fall's accelerations), raised by the real rules,
/// detector and loop and encoded by the real codec, are byte for byte what they were before the quantities moved to
/// UnitsNet: Data/wire/unit-events.jsonl was written by the code with our own unit types.
/// </summary>
public sealed class UnitsWireFormatTests
{
    private static readonly Guid Boot = Guid.Parse("0192f0a0-0000-7000-8000-000000000001");

    [Fact]
    public async Task Flow_and_fall_events_encode_byte_identically_to_the_recorded_ones()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(1)));
        var events = new CareEventFactory("home-1", time, new FixedClockSyncStatus(true), Boot);
        var rules = new HomeRulesConfig
        {
            Sensors = [new() { Id = "kitchen", Kind = SensorKind.FlowMeter }, new() { Id = "main", Kind = SensorKind.FlowMeter }, new() { Id = "pendant", Kind = SensorKind.Accelerometer }],
            TapLeftRunning = new() { FlowSensorIds = ["kitchen"] },
            Leak = new() { FlowSensorIds = ["main"] },
        }.BuildRules();
        var loop = new AlarmLoop(events, time, rules, new SimulatedBuzzer(), new SimulatedLed());
        using var stop = new CancellationTokenSource();
        var running = loop.RunAsync(stop.Token);
        long probe = 0;
        async Task SettledAsync()
        {
            var token = ++probe;
            Assert.True(loop.TryProbe(token));
            await Eventually.UntilAsync(() => loop.AnsweredProbe == token, TimeSpan.FromSeconds(10), () => "the loop did not answer its probe");
        }

        void Flow(string id, double litresPerMinute, double totalLitres) =>
            Assert.True(loop.TryPost(SensorReading.FlowMeter(id, VolumeFlow.FromLitersPerMinute(litresPerMinute), Volume.FromLiters(totalLitres), events.Now())));

        // A tap left running at 7.25 L/min; a burst at 45.5 L/min; then a drip that never stops (slow leak).
        Flow("kitchen", 7.25, 1234.5);
        Flow("main", 45.5, 98.765);
        await SettledAsync();
        Flow("main", 0.0375, 99.1);
        await SettledAsync();
        time.Advance(TimeSpan.FromMinutes(21));
        await SettledAsync();
        time.Advance(TimeSpan.FromHours(4));
        await SettledAsync();

        // A recorded fall (SisFall F01) through the real detector, then the pre-alarm's cancel window runs out.
        var feed = new WearableFeed("pendant", new FallDetector(new FallDetectorOptions(), SisFallFormat.SampleRateHz), new WearerMonitor(new WearerMonitorOptions()), loop);
        foreach (var sample in SisFallReader.Read(Path.Combine(AppContext.BaseDirectory, "Data", "sisfall", "SA01", "F01_SA01_R01.txt"), TextWriter.Null))
        {
            feed.Process(sample);
        }

        await SettledAsync();
        time.Advance(new FallOptions().CancelWindow);
        await SettledAsync();
        await stop.CancelAsync();
        await running;

        // Ids are random (version 7): each is replaced by its place in the stream, wherever it appears.
        var encoded = new List<string>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        while (loop.Outbound.TryRead(out var evt))
        {
            ids[evt.Id.ToString()] = new Guid(0, 0, 0, [0, 0, 0, 0, 0, 0, 0, (byte)(ids.Count + 1)]).ToString();
            encoded.Add(Encoding.UTF8.GetString(CloudEventCodec.Serialize(evt)));
        }

        var actual = string.Join("\n", encoded.Select(line => ids.Aggregate(line, (l, id) => l.Replace(id.Key, id.Value, StringComparison.Ordinal)))) + "\n";
        Assert.Contains(encoded, e => e.Contains("tap-left-running", StringComparison.Ordinal));
        Assert.Contains(encoded, e => e.Contains("burst-leak", StringComparison.Ordinal));
        Assert.Contains(encoded, e => e.Contains("slow-leak", StringComparison.Ordinal));
        Assert.Contains(encoded, e => e.Contains("peakG", StringComparison.Ordinal));

        var recorded = Path.Combine(AppContext.BaseDirectory, "Data", "wire", "unit-events.jsonl");
        var expected = await File.ReadAllTextAsync(recorded);
        if (expected != actual)
        {
            var written = Path.Combine(Path.GetTempPath(), "unit-events.actual.jsonl");
            await File.WriteAllTextAsync(written, actual);
            Assert.Fail($"the encoded events differ from {recorded}; what was encoded is in {written}");
        }
    }
}
