namespace EdgeGateway.Core.Events;

/// <summary>What a sensor is, which decides how its readings are read and which rules care about it.</summary>
public enum SensorKind
{
    /// <summary>Reed contact on a door; active means open.</summary>
    DoorContact,

    /// <summary>Pressure mat in a bed; active means occupied.</summary>
    BedMat,

    /// <summary>Pressure mat on a chair or floor; active means occupied.</summary>
    ChairMat,

    /// <summary>Pull cord or help button; active means pulled or pressed.</summary>
    HelpButton,

    /// <summary>Water-flow meter giving pulses.</summary>
    FlowMeter,

    /// <summary>Three-axis accelerometer used for fall detection.</summary>
    Accelerometer,

    /// <summary>The posture a worn accelerometer sees (<c>WearerMonitor</c>); active means upright (up), inactive means not upright (down).</summary>
    WearerPosture,

    /// <summary>Whether a worn accelerometer moves like a worn one (<c>WearerMonitor</c>); active means worn, inactive means lifeless.</summary>
    WearableWorn,

    /// <summary>A medication dispenser's alarm output (Evondos, Pilly, Careousel class); active means a dose was not taken within the dispenser's window.</summary>
    MedicationDispenser,

    /// <summary>A medication dispenser's separate fault output, where it has one; active means the dispenser reports a fault.</summary>
    DispenserFault,

    /// <summary>A smoke detector's relay output (mains smoke alarm with a relay or interconnect module); active means smoke.</summary>
    SmokeDetector,

    /// <summary>A smoke detector's fault or tamper output, where it has one; active means fault, tamper or dead battery.</summary>
    SmokeDetectorFault,

    /// <summary>A stove guard's (komfyrvakt: Innohome, Safera class) alarm output; active means the guard has switched the stove off.</summary>
    StoveGuard,

    /// <summary>A stove guard's fault output, where it has one; active means the guard reports a fault.</summary>
    StoveGuardFault,

    /// <summary>A PIR motion sensor (HC-SR501 class) in one room; active means motion seen (for the sensor's hold time).</summary>
    Motion,
}
