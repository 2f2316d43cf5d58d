using BenchmarkDotNet.Running;
using EdgeGateway.Benchmarks;

// Pipeline runners measure percentiles across threads, processes and a broker, which BenchmarkDotNet does not:
//   ... -- e2e                 durable accept rate, ack latency, backlog drain (real mosquitto)
//   ... -- latency [presses]   local alarm loop latency, idle and with a stalled uplink
// Everything else is a micro-benchmark: dotnet run -c Release --project bench/EdgeGateway.Benchmarks -- --filter '*Name*'
if (args is ["e2e", ..])
{
    return await UplinkE2ERunner.RunAsync();
}

if (args is ["latency", ..])
{
    return await LoopLatency.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
