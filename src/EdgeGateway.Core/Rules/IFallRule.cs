namespace EdgeGateway.Core.Rules;

/// <summary>A rule that reacts to fall detections.</summary>
public interface IFallRule : ICareRule
{
    /// <summary>Called for every fall detection, in order with readings.</summary>
    void OnFall(in FallSignal fall, IRuleContext context);
}
