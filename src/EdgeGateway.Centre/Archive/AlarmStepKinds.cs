namespace EdgeGateway.Centre.Archive;

/// <summary>The kinds of <see cref="AlarmStep"/> and the outcomes a call-back can have, as stored and as the API spells them.</summary>
public static class AlarmStepKinds
{
    /// <summary>The nurse called the home back.</summary>
    public const string Callback = "callback";

    /// <summary>Help is on the way (the text says who or what).</summary>
    public const string Help = "help";

    /// <summary>Help arrived at the home.</summary>
    public const string Arrived = "arrived";

    /// <summary>An SMS to a next of kin (sent by the centre, not a nurse; allowed after the clear it may announce).</summary>
    public const string Sms = "sms";

    /// <summary>An SMS step's outcome: the modem took it for the network.</summary>
    public const string Sent = "sent";

    /// <summary>An SMS step's outcome: it could not be sent (the text says why).</summary>
    public const string Failed = "failed";

    /// <summary>The outcomes a call-back can have.</summary>
    public static readonly IReadOnlyList<string> CallbackOutcomes = ["answered", "no-answer", "busy", "wrong-number"];
}
