using EdgeGateway.Core.Time;

namespace EdgeGateway.Core.Rules;

/// <summary>A fall detection handed to the loop by a detector (worn or fixed accelerometer, or any other source).</summary>
/// <param name="SensorId">The detecting sensor.</param>
/// <param name="Confidence">The detector's confidence, 0–1.</param>
/// <param name="Features">What the detector saw (peak g, stillness), passed on in the event.</param>
/// <param name="Time">When it was detected.</param>
public readonly record struct FallSignal(string SensorId, double Confidence, IReadOnlyDictionary<string, string>? Features, EventTime Time);
