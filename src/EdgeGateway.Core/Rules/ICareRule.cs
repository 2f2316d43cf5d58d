using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>A care rule: turns readings (and the passing of time) into events. Runs only on the alarm loop's thread.</summary>
public interface ICareRule
{
    /// <summary>A short name for logs and config, e.g. "night-exit".</summary>
    string Name { get; }

    /// <summary>Called for every debounced reading, in order.</summary>
    void OnReading(in SensorReading reading, IRuleContext context);

    /// <summary>Called when a check the rule scheduled is due.</summary>
    void OnTimer(long token, IRuleContext context);
}
