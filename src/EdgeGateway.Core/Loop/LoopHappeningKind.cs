namespace EdgeGateway.Core.Loop;

/// <summary>Something the loop did, for displays and logs.</summary>
public enum LoopHappeningKind
{
    /// <summary>A reading arrived.</summary>
    Reading,

    /// <summary>An alarm was raised.</summary>
    AlarmRaised,

    /// <summary>The centre acked an alarm's event: it is stored there ("your alarm has been received").</summary>
    AlarmDelivered,

    /// <summary>A named person at the centre took an alarm on ("help is coming").</summary>
    AlarmTaken,

    /// <summary>An alarm was cleared.</summary>
    AlarmCleared,

    /// <summary>A non-alarm event was emitted.</summary>
    EventEmitted,

    /// <summary>A command could not be applied (unknown alarm, illegal transition).</summary>
    CommandRefused,

    /// <summary>A rule threw; the loop carried on with the other rules.</summary>
    RuleFailed,

    /// <summary>The uplink reported that some path works again, or that none does.</summary>
    UplinkStateChanged,
}
