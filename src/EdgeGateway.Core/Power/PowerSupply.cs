namespace EdgeGateway.Core.Power;

/// <summary>Where the gateway's power comes from right now.</summary>
public enum PowerSupply
{
    /// <summary>The source cannot tell (not read yet, or the board does not answer).</summary>
    Unknown,

    /// <summary>Mains is present.</summary>
    Mains,

    /// <summary>Mains is gone: the gateway runs on its battery.</summary>
    Battery,
}
