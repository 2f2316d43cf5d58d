using BenchmarkDotNet.Running;
using EdgeGateway.Benchmarks;

// Stopwatch runners that need real processes and a broker are not micro-benchmarks: dispatch them before BenchmarkDotNet.
if (args is ["e2e", ..])
{
    return await UplinkE2ERunner.RunAsync();
}

// One entry point for every micro-benchmark: dotnet run -c Release --project bench/EdgeGateway.Benchmarks -- --filter '*Name*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
