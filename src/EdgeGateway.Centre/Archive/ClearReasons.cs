namespace EdgeGateway.Centre.Archive;

/// <summary>The reasons the page offers for clearing an alarm; a coordinator can have next of kin told of some of them by SMS.</summary>
public static class ClearReasons
{
    /// <summary>A nurse or the night patrol helped at the home.</summary>
    public const string HelpGiven = "help given";

    /// <summary>The resident needed no help.</summary>
    public const string NoHelpNeeded = "no help needed";

    /// <summary>Nothing had happened.</summary>
    public const string FalseAlarm = "false alarm";

    /// <summary>The resident was taken to hospital.</summary>
    public const string Hospital = "taken to hospital";

    /// <summary>Every reason, in the page's order (the API still takes any text as a clear's reason).</summary>
    public static readonly IReadOnlyList<string> All = [HelpGiven, NoHelpNeeded, FalseAlarm, Hospital];
}
