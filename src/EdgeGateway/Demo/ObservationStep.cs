namespace EdgeGateway.Demo;

/// <summary>Where in the chain an observation is made.</summary>
internal enum ObservationStep
{
    /// <summary>The event reached the centre.</summary>
    Received,

    /// <summary>The home heard the centre's receipt ack: "your alarm has been received".</summary>
    Delivered,

    /// <summary>The home heard a nurse take the alarm on: "help is coming".</summary>
    Taken,

    /// <summary>The fall detector fired in the home.</summary>
    Detected,

    /// <summary>The duty centre's archive (through the page's API) shows the alarm's whole lifecycle.</summary>
    Recorded,

    /// <summary>The alarm of this kind was cleared at home.</summary>
    Cleared,

    /// <summary>The duty centre's timeline (through the page's API) shows the nurse's documented steps in order.</summary>
    Documented,

    /// <summary>A next of kin's phone got the SMS the home's coordinator asked for, through the centre's (simulated) modem.</summary>
    KinTexted,

    /// <summary>The duty nurse's phone got the alarm by Web Push, with the page closed, and decrypted it as her browser would.</summary>
    Pushed,
}
