using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Loop;

/// <summary>One thing the loop did.</summary>
public sealed record LoopHappening(LoopHappeningKind Kind, string Text, CareEvent? Event = null, Guid? AlarmId = null)
{
    /// <summary>For <see cref="LoopHappeningKind.Reading"/>: the reading itself.</summary>
    public SensorReading? Reading { get; init; }
}
