namespace EdgeGateway.Core.Rules;

/// <summary>A rule that can sound a local warning the resident may cancel with the help button (fall pre-alarm, inactivity warning).</summary>
public interface ILocalWarningRule : ICareRule
{
    /// <summary>True while the local warning should sound.</summary>
    bool WarningActive { get; }

    /// <summary>Cancels the warning because the resident pressed <paramref name="buttonSensorId"/>; true if one was active.</summary>
    bool CancelByButton(string buttonSensorId, IRuleContext context);
}
