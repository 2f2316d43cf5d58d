using BenchmarkDotNet.Running;
using EdgeGateway.Benchmarks;

// Pipeline runners measure percentiles across threads, processes and a broker, which BenchmarkDotNet does not:
//   ... -- e2e [drain|latency] durable accept rate, ack latency, backlog drain (real mosquitto); drain / latency [s]: only that, both broker configs
//   ... -- latency [presses]   local alarm loop latency, idle and with a stalled uplink
//   ... -- tls                 connect time and e2e p99, plain TCP vs mutual TLS (real mosquitto, openssl-made PKI)
//   ... -- idle [dll] [s]      CPU and RSS of an idle 'edgegateway run' (default 60 s heartbeat)
//   ... -- fifo [--minutes N]  accelerometer samples lost to scheduling, dedicated reader thread vs pool timer (load it: stress-ng --cpu 2)
//   ... -- command-flood [s] [rate]  alarm.acknowledge carried out / answered during a status.request flood (real mosquitto, issue 27)
//   ... -- push-latency [alarms] [phones]  alarm stored → Web Push request at a loopback push service, p50/p99 (issue 30)
//   ... -- wearable-latency [falls]  wearable notification → pre-alarm buzzer through the BLE path (mock BlueZ), p50/p99/max
//   ... -- central-scale [--gateways N] [--interval S] ...  N gateways against 2 central processes on PostgreSQL: event → stored, SIGKILL, silent alarms
//   ... -- central-storm [--gateways N] [--outage S] ...  N homes, own connections, cut at once while raising events, back together: alarms first, one incident per zone (issue 33)
//   ... -- central-scale --real-connections [--gateways N] ...  the same with every gateway its own MQTT connection and will (LeanFleet, issue 33)
//   ... -- update-pipeline ARCHIVE [runs]  one home's update of a real release: bytes on the wire with a resumed cut, download/verify/unpack times (issue 32)
// Everything else is a micro-benchmark: dotnet run -c Release --project bench/EdgeGateway.Benchmarks -- --filter '*Name*'
if (args is ["e2e", ..])
{
    return await UplinkE2ERunner.RunAsync(args);
}

if (args is ["tls", ..] && OperatingSystem.IsLinux())
{
    return await UplinkTlsRunner.RunAsync();
}

if (args is ["idle", ..])
{
    return await UplinkIdleRunner.RunAsync(args);
}

if (args is ["fifo", ..])
{
    return await FifoRunner.RunAsync(args);
}

if (args is ["central-scale", ..])
{
    return await CentralScaleRunner.RunAsync(args);
}

if (args is ["central-storm", ..])
{
    return await CentralStormRunner.RunAsync(args);
}

if (args is ["command-flood", ..])
{
    return await CommandFloodRunner.RunAsync(args);
}

if (args is ["push-latency", ..])
{
    return await PushLatencyRunner.RunAsync(args);
}

if (args is ["wearable-latency", ..])
{
    return await WearableLatency.RunAsync(args);
}

if (args is ["update-pipeline", ..])
{
    return await UpdatePipelineRunner.RunAsync(args);
}

if (args is ["latency", ..])
{
    return await LoopLatency.RunAsync(args);
}

// typeof(Program) would be ambiguous: the runners build through the gateway project, which has its own Program.
BenchmarkSwitcher.FromAssembly(typeof(LoopLatency).Assembly).Run(args);
return 0;
