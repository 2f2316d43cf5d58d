namespace EdgeGateway.Centre.Web;

/// <summary>How a login attempt went (<see cref="OperatorLogins.CheckAsync"/>).</summary>
public enum LoginOutcome
{
    /// <summary>The name and password are an operator's.</summary>
    Accepted,

    /// <summary>Wrong password or unknown name.</summary>
    Refused,

    /// <summary>Refused without looking at the password: too many failures for this name or from this address, or another check from this address is running.</summary>
    TooMany,
}
