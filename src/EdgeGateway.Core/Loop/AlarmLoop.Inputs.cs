using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Rules;

namespace EdgeGateway.Core.Loop;

// The loop's inputs: what the channel carries from any thread to the loop's own thread.
public sealed partial class AlarmLoop
{
    // One sealed record per kind of input: each carries only what it means, no field stands in for another.
    private abstract record LoopInput;

    private sealed record ReadingInput(SensorReading Reading) : LoopInput;

    private sealed record TimerInput(ICareRule Rule, long Token) : LoopInput;

    private sealed record DeliveredInput(Guid AlarmId, string By) : LoopInput;

    private sealed record InfoInput(CareEventKind Kind, string Message, IReadOnlyDictionary<string, string>? Data, TaskCompletionSource<Guid> Emitted) : LoopInput;

    private sealed record TakeInput(Guid AlarmId, string By) : LoopInput;

    private sealed record ClearInput(Guid AlarmId, ClearReason Reason) : LoopInput;

    private sealed record FallInput(FallSignal Fall) : LoopInput;

    private sealed record TechnicalInput(CareEventKind Kind, string? SensorId, string Message, IReadOnlyDictionary<string, string>? Data) : LoopInput;

    private sealed record ShutdownNoticeInput(string Message) : LoopInput;

    private sealed record UplinkInput(bool AnyPathUp) : LoopInput;

    private sealed record ProbeInput(long Token) : LoopInput;

    private sealed record TestAlarmInput(CareEventKind Kind, string By, string Message, TaskCompletionSource<Guid> Raised) : LoopInput;
}
