namespace EdgeGateway.Core.Outputs;

/// <summary>The water shut-off valve relay. Safe state: valve open (water on), so a gateway fault never leaves a home dry.</summary>
public interface IShutOffValve
{
    /// <summary>True when the valve is closed (water off).</summary>
    bool IsClosed { get; }

    /// <summary>Closes (true) or opens (false) the valve.</summary>
    void SetClosed(bool closed);
}
