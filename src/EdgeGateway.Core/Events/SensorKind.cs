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
}

/// <summary>What follows from a <see cref="SensorKind"/> for the parts that handle every kind alike.</summary>
public static class SensorKindExtensions
{
    /// <summary>True for kinds whose purpose is to call for help: their presses are never withheld, not even while they flap.</summary>
    /// <remarks>A frightened resident pulls the cord again and again; a filter that silences a noisy door must not silence her.</remarks>
    public static bool CallsForHelp(this SensorKind kind) => kind == SensorKind.HelpButton;
}
