using EdgeGateway.Core.Events;

namespace EdgeGateway.Demo;

/// <summary>Something the demo watches for: an event reaching the centre, or the alarm's next step reaching the home.</summary>
internal readonly record struct Observation(CareEventKind Kind, ObservationStep Step, int Detection = 0)
{
    /// <summary>The fall detector's n-th detection in the home.</summary>
    public static Observation Detected(int n) => new(CareEventKind.Fall, ObservationStep.Detected, n);

    public static Observation Received(CareEventKind kind) => new(kind, ObservationStep.Received);

    public static Observation Delivered(CareEventKind kind) => new(kind, ObservationStep.Delivered);

    public static Observation Taken(CareEventKind kind) => new(kind, ObservationStep.Taken);

    public static Observation Recorded(CareEventKind kind) => new(kind, ObservationStep.Recorded);

    public static Observation Cleared(CareEventKind kind) => new(kind, ObservationStep.Cleared);

    public static Observation Documented(CareEventKind kind) => new(kind, ObservationStep.Documented);

    public static Observation KinTexted(CareEventKind kind) => new(kind, ObservationStep.KinTexted);

    /// <summary>The duty nurse's phone got the alarm of <paramref name="kind"/> by Web Push and decrypted it.</summary>
    public static Observation Pushed(CareEventKind kind) => new(kind, ObservationStep.Pushed);
}
