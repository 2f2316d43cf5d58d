using BenchmarkDotNet.Running;

// One entry point for every micro-benchmark: dotnet run -c Release --project bench/EdgeGateway.Benchmarks -- --filter '*Name*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
