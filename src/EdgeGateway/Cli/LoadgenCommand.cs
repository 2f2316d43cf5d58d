using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeGateway.Composition;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Runtime;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Cli;

/// <summary><c>edgegateway loadgen</c>: the real outbox + delivery pipeline fed with N synthetic events at R per second.</summary>
internal static class LoadgenCommand
{
    public static Command Create()
    {
        var shared = new UplinkCliOptionSet();
        var count = new Option<int>("--count") { Description = "How many events to inject.", DefaultValueFactory = _ => 1000 };
        var rate = new Option<double>("--rate") { Description = "Events per second.", DefaultValueFactory = _ => 100 };
        var command = new Command("loadgen", "Inject N synthetic test alarms at R/s through the durable outbox and acknowledged delivery; exit 0 once all are acknowledged.")
        {
            count,
            rate,
        };
        shared.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            if (shared.Read(result) is not { } options)
            {
                return 2;
            }

            var n = result.GetValue(count);
            var r = result.GetValue(rate);
            if (n is < 1 or > 10_000_000)
            {
                Console.Error.WriteLine($"--count {n} is out of range: expected 1 to 10000000");
                return 2;
            }

            if (double.IsNaN(r) || r is <= 0 or > 1_000_000)
            {
                Console.Error.WriteLine($"--rate {r} is out of range: expected above 0 and at most 1000000 events/s");
                return 2;
            }

            using var loggers = UplinkCliOptionSet.Loggers(LogLevel.Warning);
            if (GatewayBuilder.TryBuildDeliveryOnly(options with { GatewayId = options.GatewayId ?? "loadgen" }, loggers, out var exitCode) is not { } gateway)
            {
                return exitCode;
            }

            await using (gateway.ConfigureAwait(false))
            {
                return await RunAsync(gateway, n, r, ct).ConfigureAwait(false);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(GatewayDelivery gateway, int count, double rate, CancellationToken ct)
    {
        var ours = new HashSet<Guid>();
        var acked = 0;
        var allAcked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new Lock();
        gateway.Uplink.AckReceived += ack =>
        {
            lock (gate)
            {
                if (ours.Remove(ack.EventId) && ++acked == count)
                {
                    allAcked.TrySetResult();
                }
            }

            return Task.CompletedTask;
        };

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var uplink = gateway.Uplink.RunAsync(stop.Token);
        var clock = Stopwatch.StartNew();
        var accepted = 0;
        try
        {
            while (accepted < count)
            {
                // Everything due by now goes in one burst: concurrent accepts share one group commit.
                var due = (int)Math.Min(count, Math.Floor(clock.Elapsed.TotalSeconds * rate) + 1);
                if (due > accepted)
                {
                    var batch = new List<CareEvent>(due - accepted);
                    for (var i = accepted; i < due; i++)
                    {
                        batch.Add(gateway.Factory.Create(
                            CareEventKind.TestAlarm,
                            "loadgen",
                            "synthetic load",
                            new Dictionary<string, string> { ["n"] = i.ToString(CultureInfo.InvariantCulture) }));
                    }

                    lock (gate)
                    {
                        foreach (var e in batch)
                        {
                            ours.Add(e.Id);
                        }
                    }

                    await Task.WhenAll(batch.Select(e => gateway.Outbox.AcceptAsync(e, stop.Token))).ConfigureAwait(false);
                    accepted = due;

                    // A line per commit, so whoever kills us knows what was accepted (on disk) by then.
                    await Console.Out.WriteLineAsync($"accepted {accepted}").ConfigureAwait(false);
                    await Console.Out.FlushAsync(stop.Token).ConfigureAwait(false);
                }
                else
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(5), stop.Token).ConfigureAwait(false);
                }
            }

            await allAcked.Task.WaitAsync(stop.Token).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"acked {count} in {clock.Elapsed.TotalSeconds:F2} s").ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"stopped: {accepted} accepted, {acked} acknowledged; the rest waits in the outbox for 'edgegateway run'").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await uplink.ConfigureAwait(false);
        }
    }
}
