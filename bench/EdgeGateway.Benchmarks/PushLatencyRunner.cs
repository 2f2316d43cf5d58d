using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EdgeGateway.Centre;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Push;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Benchmarks;

/// <summary>
/// Stopwatch runner (<c>-- push-latency [alarms] [phones]</c>, issue 30): the time from an alarm stored in the archive to
/// the push request for it arriving at the push service, p50/p99, on a real centre (SQLite) sending over HTTP to a loopback
/// push service (<see cref="PushEndpoint"/>): the notifier's share of an alarm's way to the duty phone, without the
/// internet's. Alarms one at a time, as a supervision alarm is raised: stored, then on the live feed.
/// </summary>
internal static class PushLatencyRunner
{
    private const string Home = "bench-push";

    public static async Task<int> RunAsync(string[] args)
    {
        var alarms = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var phones = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        var dir = Directory.CreateTempSubdirectory("bench-push-").FullName;
        await using var service = await PushEndpoint.StartAsync();
        var options = new DutyCentreOptions { Push = new PushOptions(VapidKey.Generate(), "mailto:bench@example.org") };
        var centre = await CentreFixture.StartAsync(dir, [], options, web: false);
        try
        {
            await centre.Archive.RecordStatusAsync(Home, "online", Guid.NewGuid(), DateTimeOffset.UtcNow);
            for (var i = 0; i < phones; i++)
            {
                await centre.Centre.Push.SubscribeAsync("Nurse Bench", service.PhoneUrl($"phone-{i}"), PhoneKey(), "AAAAAAAAAAAAAAAAAAAAAA");
            }

            // The last of an alarm's requests: when every phone has it.
            var arrived = new ConcurrentDictionary<string, (int Count, long At)>();
            var done = new ConcurrentDictionary<string, TaskCompletionSource<long>>();
            service.Arrived += r =>
            {
                var topic = r.Header("Topic") ?? "";
                var now = arrived.AddOrUpdate(topic, (1, r.ReceivedAt), (_, v) => (v.Count + 1, Math.Max(v.At, r.ReceivedAt)));
                if (now.Count == phones && done.TryGetValue(topic, out var tcs))
                {
                    tcs.TrySetResult(now.At);
                }
            };

            await RoundsAsync(centre, done, 10); // Warm-up: JIT, connections to the push service, the VAPID token.
            var ms = await RoundsAsync(centre, done, alarms);
            Array.Sort(ms);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"alarm stored → push request at the push service (loopback HTTP, {phones} phone(s), SQLite): p50 {P(ms, 0.5):F2} ms, p99 {P(ms, 0.99):F2} ms, max {ms[^1]:F2} ms (n={ms.Length})"));
            return 0;
        }
        finally
        {
            await CentreFixture.TeardownAsync(dir, centre);
        }
    }

    private static async Task<double[]> RoundsAsync(CentreFixture centre, ConcurrentDictionary<string, TaskCompletionSource<long>> done, int count)
    {
        var ms = new double[count];
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid();
            var tcs = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var alarm = (await centre.Archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm($"bench:{id}", Home, SupervisionTypes.Silent, 2, "bench alarm", DateTimeOffset.UtcNow)))!;
            var stored = Stopwatch.GetTimestamp();
            done[alarm.Id.ToString("N")] = tcs;
            centre.Centre.Changes.Publish(new CentreChange("alarm", alarm, null));
            var at = await tcs.Task.WaitAsync(TimeSpan.FromSeconds(10));
            ms[i] = Stopwatch.GetElapsedTime(stored, at).TotalMilliseconds;
        }

        return ms;
    }

    /// <summary>A phone's public key (the bench never decrypts: any point on the curve will do).</summary>
    private static string PhoneKey()
    {
        using var ecdh = System.Security.Cryptography.ECDiffieHellman.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var q = ecdh.ExportParameters(false).Q;
        return System.Buffers.Text.Base64Url.EncodeToString([0x04, .. q.X!, .. q.Y!]);
    }

    private static double P(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
