using EdgeGateway.Core.Falls;

namespace EdgeGateway.Core.Tests.Falls;

/// <summary>Builds waist-sensor traces from named movements, at any sample rate, with deterministic noise.</summary>
/// <remarks>Postures are gravity directions in sensor axes (SisFall: y along gravity when standing, z forward).</remarks>
internal sealed class SyntheticTrace
{
    public static readonly Vec Upright = new(0, -1, 0);
    public static readonly Vec LyingOnBack = new(0, 0, 1);
    public static readonly Vec LyingOnSide = new(1, 0, 0);
    public static readonly Vec SeatedLeaningBack = Tilt(20);
    public static readonly Vec LyingOnFront = new(0, 0, -1);

    private readonly double _rate;
    private readonly Random _noise = new(1234);
    private readonly List<AccelerationSample> _samples = [];
    private TimeSpan _next;
    private Vec _posture = Upright;

    public SyntheticTrace(double sampleRateHz, TimeSpan? start = null)
    {
        _rate = sampleRateHz;
        _next = start ?? TimeSpan.Zero;
    }

    public IReadOnlyList<AccelerationSample> Samples => _samples;

    public TimeSpan Now => _next;

    /// <summary>Gravity tilted backwards from upright by <paramref name="degrees"/> (about the x axis).</summary>
    public static Vec Tilt(double degrees)
    {
        var r = degrees * Math.PI / 180;
        return new Vec(0, -Math.Cos(r), Math.Sin(r));
    }

    /// <summary>Holding a posture with sensor noise of about 0.01 g.</summary>
    public SyntheticTrace Still(double seconds, Vec? posture = null)
    {
        _posture = posture ?? _posture;
        return Emit(seconds, _ => _posture);
    }

    /// <summary>Falling: magnitude drops to <paramref name="residualG"/> while the body turns towards <paramref name="to"/>.</summary>
    public SyntheticTrace FreeFall(double seconds, Vec to, double residualG = 0.2)
    {
        var from = _posture;
        _posture = to;
        return Emit(seconds, f => Vec.Lerp(from, to, f).Unit() * residualG);
    }

    /// <summary>A half-sine impact of <paramref name="peakG"/> on top of gravity, along the current posture.</summary>
    public SyntheticTrace Impact(double peakG, double seconds = 0.08)
    {
        var p = _posture;
        return Emit(seconds, f => p * (1 + ((peakG - 1) * Math.Sin(Math.PI * f))));
    }

    /// <summary>Turning to a new posture slowly (lying down, rolling over) without impact.</summary>
    public SyntheticTrace Turn(double seconds, Vec to)
    {
        var from = _posture;
        _posture = to;
        return Emit(seconds, f => Vec.Lerp(from, to, f).Unit());
    }

    /// <summary>Walking: 2 Hz vertical bounce of ±0.35 g and 1 Hz sway of ±0.15 g.</summary>
    public SyntheticTrace Walk(double seconds) =>
        Periodic(seconds, t => new Vec(0.15 * Math.Sin(2 * Math.PI * t), -1 - (0.35 * Math.Sin(4 * Math.PI * t)), 0.1 * Math.Cos(4 * Math.PI * t)));

    /// <summary>Jogging: 2.8 Hz steps, each a 3.5 g heel strike then a near-weightless flight.</summary>
    public SyntheticTrace Jog(double seconds) =>
        Periodic(seconds, t =>
        {
            var phase = (t * 2.8) % 1;
            var vertical = phase < 0.3 ? 1 + (2.5 * Math.Sin(Math.PI * phase / 0.3)) : 0.3;
            return new Vec(0.3 * Math.Sin(1.4 * 2 * Math.PI * t), -vertical, 0.2 * Math.Sin(2.8 * 2 * Math.PI * t));
        });

    /// <summary>A jump: push-off, flight, landing of <paramref name="landingG"/>, and standing again.</summary>
    public SyntheticTrace Jump(double landingG = 4) =>
        Emit(0.25, f => Upright * (1 + (0.8 * Math.Sin(Math.PI * f))))
            .Emit(0.35, _ => Upright * 0.05)
            .Impact(landingG, 0.1)
            .Still(3, Upright);

    /// <summary>Sitting down hard: a short drop, a seat impact, then seated leaning back a little.</summary>
    public SyntheticTrace SitDownHard(double impactG = 3.5) =>
        FreeFall(0.3, SeatedLeaningBack, 0.5).Impact(impactG, 0.1).Still(6, SeatedLeaningBack);

    /// <summary>Samples whose axes are clamped to ±<paramref name="limitG"/>, as a clipping sensor reports them.</summary>
    public SyntheticTrace Clipped(double limitG, Func<SyntheticTrace, SyntheticTrace> part)
    {
        var from = _samples.Count;
        part(this);
        for (var i = from; i < _samples.Count; i++)
        {
            var s = _samples[i];
            _samples[i] = AccelerationSample.FromG(
                Math.Clamp(s.XG, -limitG, limitG), Math.Clamp(s.YG, -limitG, limitG), Math.Clamp(s.ZG, -limitG, limitG), s.Timestamp);
        }

        return this;
    }

    /// <summary>Lying or sitting at rest: the posture rocks by ±<paramref name="amplitudeDeg"/> with each breath (0.25 Hz).</summary>
    public SyntheticTrace Breathe(double seconds, Vec posture, double amplitudeDeg)
    {
        _posture = posture;
        var start = _next.TotalSeconds;
        var n = Count(seconds);
        var axis = Math.Abs(posture.Y) > 0.9 ? new Vec(0, 0, 1) : new Vec(0, 1, 0);
        for (var i = 0; i < n; i++)
        {
            var a = amplitudeDeg * Math.PI / 180 * Math.Sin(2 * Math.PI * 0.25 * (_next.TotalSeconds - start));
            Add((posture * Math.Cos(a)) + (axis * Math.Sin(a)));
        }

        return this;
    }

    /// <summary>Skips time without samples (a bus error, a dropped FIFO).</summary>
    public SyntheticTrace Gap(double seconds)
    {
        _next += TimeSpan.FromSeconds(seconds);
        return this;
    }

    private SyntheticTrace Periodic(double seconds, Func<double, Vec> shape)
    {
        var start = _next.TotalSeconds;
        _posture = Upright;
        var n = Count(seconds);
        for (var i = 0; i < n; i++)
        {
            Add(shape(_next.TotalSeconds - start));
        }

        return this;
    }

    private SyntheticTrace Emit(double seconds, Func<double, Vec> shape)
    {
        var n = Count(seconds);
        for (var i = 0; i < n; i++)
        {
            Add(shape(n == 1 ? 0.5 : (double)i / (n - 1)));
        }

        return this;
    }

    private int Count(double seconds) => Math.Max(1, (int)Math.Round(seconds * _rate));

    private void Add(Vec v)
    {
        double Noise() => (_noise.NextDouble() - 0.5) * 0.02;
        _samples.Add(AccelerationSample.FromG(v.X + Noise(), v.Y + Noise(), v.Z + Noise(), _next));
        _next += TimeSpan.FromTicks((long)Math.Round(TimeSpan.TicksPerSecond / _rate));
    }

    internal readonly record struct Vec(double X, double Y, double Z)
    {
        public static Vec operator *(Vec v, double k) => new(v.X * k, v.Y * k, v.Z * k);

        public static Vec operator +(Vec a, Vec b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

        public static Vec Lerp(Vec a, Vec b, double f) => new(a.X + ((b.X - a.X) * f), a.Y + ((b.Y - a.Y) * f), a.Z + ((b.Z - a.Z) * f));

        public Vec Unit()
        {
            var n = Math.Sqrt((X * X) + (Y * Y) + (Z * Z));
            return n == 0 ? this : this * (1 / n);
        }
    }
}
