namespace EdgeGateway.Centre.Rollouts;

/// <summary>A rollout's states: one runs at a time; a halted or completed one stays for the record.</summary>
public static class RolloutStates
{
    /// <summary>Waves are being sent.</summary>
    public const string Running = "running";

    /// <summary>Stopped for good (too many failures, or an operator): nothing more is sent.</summary>
    public const string Halted = "halted";

    /// <summary>Every wave passed and soaked.</summary>
    public const string Completed = "completed";
}
