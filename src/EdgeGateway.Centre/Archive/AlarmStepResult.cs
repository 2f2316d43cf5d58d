namespace EdgeGateway.Centre.Archive;

/// <summary>What <see cref="IArchive.AddStepAsync"/> did.</summary>
public enum AlarmStepResult
{
    /// <summary>The step and its operator action are stored.</summary>
    Added,

    /// <summary>No such alarm; nothing stored.</summary>
    NoAlarm,

    /// <summary>The alarm is cleared; nothing stored.</summary>
    Cleared,

    /// <summary>An arrival before any "help on the way"; nothing stored.</summary>
    NoHelpYet,
}
