namespace EdgeGateway.Core.Rules;

/// <summary>A rule that needs to start timers before any reading arrives (e.g. counting quiet time).</summary>
public interface IStartableRule : ICareRule
{
    /// <summary>Called once on the loop's thread when the loop starts.</summary>
    void OnStart(IRuleContext context);
}
