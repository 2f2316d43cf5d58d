namespace EdgeGateway.Core.Events;

/// <summary>SCAIP (SS 91100 / CLC/TS 50134-9) device types and status codes we emit, so a centre can map events 1:1.</summary>
/// <remarks>Only codes listed in our domain notes are used; an event without a matching code leaves the field empty rather than inventing one.</remarks>
public static class ScaipCodes
{
    /// <summary>SCAIP device types.</summary>
    public static class Device
    {
        /// <summary>Fall detector.</summary>
        public const string FallDetector = "0005";

        /// <summary>Bed sensor.</summary>
        public const string BedSensor = "0012";

        /// <summary>Floor or chair mat.</summary>
        public const string FloorMat = "0013";

        /// <summary>Door.</summary>
        public const string Door = "0014";

        /// <summary>Wandering detector.</summary>
        public const string Wandering = "0015";

        /// <summary>Flood / water.</summary>
        public const string Water = "0033";

        /// <summary>Power supply.</summary>
        public const string Power = "0041";
    }

    /// <summary>SCAIP status codes.</summary>
    public static class Status
    {
        /// <summary>Absent (resident not back).</summary>
        public const string Absent = "0003";

        /// <summary>Battery low.</summary>
        public const string BatteryLow = "0016";

        /// <summary>IP path failed.</summary>
        public const string IpPathFail = "0023";

        /// <summary>Mobile path failed.</summary>
        public const string MobilePathFail = "0024";

        /// <summary>Primary path failed.</summary>
        public const string PrimaryPathFail = "0026";

        /// <summary>Secondary path failed.</summary>
        public const string SecondaryPathFail = "0027";

        /// <summary>Open too long.</summary>
        public const string OpenTooLong = "0077";

        /// <summary>Mains failed.</summary>
        public const string MainsFail = "0085";

        /// <summary>Mains restored.</summary>
        public const string MainsRestored = "0086";

        /// <summary>Test transmission.</summary>
        public const string TestTransmission = "0102";

        /// <summary>Test transmission (periodic / automatic).</summary>
        public const string TestTransmissionPeriodic = "0103";

        /// <summary>IP path restored.</summary>
        public const string IpPathRestored = "0112";

        /// <summary>Mobile path restored.</summary>
        public const string MobilePathRestored = "0113";

        /// <summary>Primary path restored.</summary>
        public const string PrimaryPathRestored = "0115";

        /// <summary>Secondary path restored.</summary>
        public const string SecondaryPathRestored = "0116";

        /// <summary>Tamper.</summary>
        public const string Tamper = "0125";
    }
}
