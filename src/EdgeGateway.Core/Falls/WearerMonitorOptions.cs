namespace EdgeGateway.Core.Falls;

/// <summary>Parameters of <see cref="WearerMonitor"/>; design values, not tuned on data (see <c>Falls/README.md</c>).</summary>
public sealed record WearerMonitorOptions
{
    /// <summary>A one-second mean tilted at most this far from upright counts as upright.</summary>
    public double UprightMaxTiltDeg { get; init; } = 35;

    /// <summary>Upright this long in a row (one-second means) before <see cref="WearerChangeKind.Upright"/> is reported.</summary>
    public TimeSpan UprightTime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Not upright this long in a row before <see cref="WearerChangeKind.Down"/> is reported.</summary>
    public TimeSpan DownTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Length of the window whose one-second means must vary by no more than <see cref="MaxLifelessMovementG"/>.</summary>
    public TimeSpan MovementWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest standard deviation (g) of the one-second means on any axis within a window that is still "no human movement".</summary>
    /// <remarks>
    /// A person at rest breathes; a sensor at rest averages its noise (ADXL345 about 4 mg, MPU-6050 about 3 mg per sample)
    /// down to about 0.5 mg per one-second mean. How the SisFall recordings compare is in <c>Falls/README.md</c>.
    /// </remarks>
    public double MaxLifelessMovementG { get; init; } = 0.0012;

    /// <summary>A lifeless sensor must also lie tilted at least this far from upright (flat, as on a table); someone sitting very still is upright.</summary>
    public double MinLifelessTiltDeg { get; init; } = 60;

    /// <summary>The one-second means of a lifeless run may drift at most this far from where the run started; more means somebody moved it.</summary>
    public double MaxLifelessDriftDeg { get; init; } = 3;

    /// <summary>Lifeless windows in a row for this long before <see cref="WearerChangeKind.Lifeless"/> is reported.</summary>
    public TimeSpan LifelessTime { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A timestamp jump larger than this restarts the one-second block and the movement window.</summary>
    public TimeSpan MaxGap { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first parameter that makes no sense.</summary>
    public void Validate()
    {
        Angle(UprightMaxTiltDeg, nameof(UprightMaxTiltDeg));
        Angle(MinLifelessTiltDeg, nameof(MinLifelessTiltDeg));
        Angle(MaxLifelessDriftDeg, nameof(MaxLifelessDriftDeg));
        Positive(UprightTime, nameof(UprightTime));
        Positive(DownTime, nameof(DownTime));
        Positive(LifelessTime, nameof(LifelessTime));
        Positive(MaxGap, nameof(MaxGap));
        if (MovementWindow < TimeSpan.FromSeconds(2))
        {
            throw new ArgumentOutOfRangeException(nameof(MovementWindow), MovementWindow, "must be at least 2 s (two one-second means)");
        }

        if (!(MaxLifelessMovementG >= 0) || double.IsInfinity(MaxLifelessMovementG))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLifelessMovementG), MaxLifelessMovementG, "must be a finite number of g, zero or more");
        }
    }

    private static void Angle(double value, string name)
    {
        if (!(value is >= 0 and <= 180))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be between 0 and 180 degrees");
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be longer than zero");
        }
    }
}
