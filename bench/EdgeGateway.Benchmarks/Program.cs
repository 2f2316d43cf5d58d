using BenchmarkDotNet.Running;
using EdgeGateway.Benchmarks;

// One entry point for every micro-benchmark: dotnet run -c Release --project bench/EdgeGateway.Benchmarks -- --filter '*Name*'
// Pipeline percentiles, which BenchmarkDotNet does not measure: ... -- latency [presses]
if (args.Length > 0 && args[0] == "latency")
{
    return await LoopLatency.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
