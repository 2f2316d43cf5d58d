namespace EdgeGateway.Core.Falls;

/// <summary>Streaming fall detector for a waist-worn accelerometer: impact, then lying still in a changed posture.</summary>
/// <remarks>
/// <para>
/// Phases: <b>idle</b> → a filtered magnitude above <see cref="FallDetectorOptions.ImpactThresholdG"/> (or a clipped
/// sample) opens a candidate and records the posture before it and the free-fall minimum just before it →
/// <b>settling</b> while impacts continue (bounces, or jogging steps, keep it here) → <b>observing</b> for
/// <see cref="FallDetectorOptions.ObservationWindow"/>; a new impact there starts a fresh candidate, otherwise the
/// window is judged once: still enough, lying (tilted far enough from upright: not sitting back in a chair), turned
/// far enough from a posture before that was upright (standing or sitting, not lying), and (if enabled) free fall seen;
/// a posture reclined less than <see cref="FallDetectorOptions.ReclinedTiltDeg"/> must then stay still and turned for
/// <see cref="FallDetectorOptions.ReclinedConfirmTime"/> more (<b>confirming</b>).
/// A single threshold cannot separate a fall from jogging or dropping into a chair; the post-impact phase can.
/// </para>
/// <para>
/// All state is fixed-size and allocated in the constructor: <see cref="Process"/> allocates nothing. The posture
/// before the event is the most upright filtered vector in <see cref="FallDetectorOptions.ReferenceLookback"/> before
/// the pre-impact window, taken from a ring buffer sized from the nominal sample rate.
/// </para>
/// </remarks>
public sealed class FallDetector
{
    private readonly FallDetectorOptions _options;
    private readonly double _sampleRateHz;
    private readonly int _preSamples;
    private readonly int _refSamples;
    private readonly double[] _histX;
    private readonly double[] _histY;
    private readonly double[] _histZ;
    private readonly double[] _histMag;

    private LowPassFilter _fx;
    private LowPassFilter _fy;
    private LowPassFilter _fz;
    private int _head;
    private int _count;
    private bool _hasLast;
    private TimeSpan _last;
    private bool _hasAlarm;
    private TimeSpan _lastAlarm;

    private Phase _phase;
    private TimeSpan _lastImpact;
    private TimeSpan _peakTime;
    private double _peak;
    private double _freeFallMin;
    private bool _saturated;
    private double _refX;
    private double _refY;
    private double _refZ;
    private TimeSpan _observeStart;
    private int _n;
    private double _sum;
    private double _sumSq;
    private double _sumX;
    private double _sumY;
    private double _sumZ;
    private double _pendingStillness;
    private double _pendingChange;
    private double _pendingPrior;
    private double _pendingTilt;

    /// <summary>Creates a detector for a sensor sampled at <paramref name="sampleRateHz"/>; the options are validated.</summary>
    public FallDetector(FallDetectorOptions options, double sampleRateHz)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(sampleRateHz);
        _options = options;
        _sampleRateHz = sampleRateHz;
        _preSamples = Math.Max(1, (int)Math.Ceiling(options.PreImpactWindow.TotalSeconds * sampleRateHz));
        _refSamples = Math.Max(1, (int)Math.Ceiling(options.ReferenceLookback.TotalSeconds * sampleRateHz));
        var length = _preSamples + _refSamples + 1;
        _histX = new double[length];
        _histY = new double[length];
        _histZ = new double[length];
        _histMag = new double[length];
        _fx = new LowPassFilter(options.LowPassCutoffHz, sampleRateHz);
        _fy = _fx;
        _fz = _fx;
    }

    private enum Phase
    {
        Idle,
        Settling,
        Observing,
        Confirming,
    }

    /// <summary>The options this detector runs with.</summary>
    public FallDetectorOptions Options => _options;

    /// <summary>The nominal sample rate the filters and buffers were designed for.</summary>
    public double SampleRateHz => _sampleRateHz;

    /// <summary>Feeds one sample; returns true when a fall is confirmed at this sample and fills <paramref name="detection"/>.</summary>
    public bool Process(in AccelerationSample sample, out FallDetection detection)
    {
        detection = default;
        var x = sample.XG;
        var y = sample.YG;
        var z = sample.ZG;
        var t = sample.Timestamp;
        if (!double.IsFinite(x) || !double.IsFinite(y) || !double.IsFinite(z))
        {
            // A garbage reading breaks the continuity of the signal just like a gap does.
            RestartSignal();
            return false;
        }

        if (_hasLast)
        {
            if (t < _last)
            {
                // The time base restarted (sensor reset): the refractory clock means nothing any more.
                RestartSignal();
                _hasAlarm = false;
            }
            else if (t - _last > _options.MaxGap)
            {
                // Filters and windows assume evenly spaced samples; the refractory period stays, so a fall
                // alarmed before a dropout is not alarmed again after it.
                RestartSignal();
            }
        }

        var saturation = _options.SaturationG;
        var clipped = Math.Abs(x) >= saturation || Math.Abs(y) >= saturation || Math.Abs(z) >= saturation;
        if (!_hasLast)
        {
            Prime(x, y, z);
        }

        _hasLast = true;
        _last = t;

        var fx = _fx.Next(x);
        var fy = _fy.Next(y);
        var fz = _fz.Next(z);
        var magnitude = Math.Sqrt((fx * fx) + (fy * fy) + (fz * fz));
        Push(fx, fy, fz, magnitude);

        if (_hasAlarm && t - _lastAlarm < _options.RefractoryPeriod)
        {
            return false;
        }

        var impact = clipped || magnitude >= _options.ImpactThresholdG;
        switch (_phase)
        {
            case Phase.Idle:
                if (impact)
                {
                    StartCandidate(t, magnitude, clipped);
                }

                return false;

            case Phase.Settling:
                if (impact)
                {
                    AddImpact(t, magnitude, clipped);
                    return false;
                }

                if (t - _lastImpact < _options.SettleTime)
                {
                    return false;
                }

                BeginWindow(Phase.Observing, t);
                Observe(fx, fy, fz, magnitude);
                return false;

            case Phase.Confirming:
                if (impact)
                {
                    // Cut short by an impact: no alarm, unless the gates are open (tuning records every candidate).
                    var recorded = Confirm(t, double.PositiveInfinity, double.PositiveInfinity, out detection);
                    StartCandidate(t, magnitude, clipped);
                    if (recorded && _options.RefractoryPeriod > TimeSpan.Zero)
                    {
                        _phase = Phase.Idle; // a candidate opened inside the refractory period would never be judged
                    }

                    return recorded;
                }

                Observe(fx, fy, fz, magnitude);
                if (t - _observeStart < _options.ReclinedConfirmTime)
                {
                    return false;
                }

                _phase = Phase.Idle;
                var confirmMean = _sum / _n;
                return Confirm(
                    t,
                    Math.Sqrt(Math.Max(0, (_sumSq / _n) - (confirmMean * confirmMean))),
                    AngleDeg(_refX, _refY, _refZ, _sumX, _sumY, _sumZ),
                    out detection);

            default:
                if (impact)
                {
                    // Movement hard enough to be an impact means the wearer is not lying still: judge afresh.
                    StartCandidate(t, magnitude, clipped);
                    return false;
                }

                Observe(fx, fy, fz, magnitude);
                if (t - _observeStart < _options.ObservationWindow)
                {
                    return false;
                }

                _phase = Phase.Idle;
                return Judge(t, out detection);
        }
    }

    /// <summary>
    /// The recording ended while a reclined candidate was being confirmed: like an impact, that cuts it short, so it is
    /// reported only with the gates open. For the tuning harness, which must see every candidate.
    /// </summary>
    internal bool EndOfData(out FallDetection detection)
    {
        detection = default;
        if (_phase != Phase.Confirming)
        {
            return false;
        }

        _phase = Phase.Idle;
        return Confirm(_last, double.PositiveInfinity, double.PositiveInfinity, out detection);
    }

    /// <summary>Forgets the signal history, any open candidate and the refractory period, as after a power-up.</summary>
    public void Reset()
    {
        RestartSignal();
        _hasAlarm = false;
        _lastAlarm = default;
    }

    private void RestartSignal()
    {
        _hasLast = false;
        _phase = Phase.Idle;
        _count = 0;
        _head = 0;
    }

    private void Prime(double x, double y, double z)
    {
        _fx.Prime(x);
        _fy.Prime(y);
        _fz.Prime(z);
    }

    private void Push(double x, double y, double z, double magnitude)
    {
        _histX[_head] = x;
        _histY[_head] = y;
        _histZ[_head] = z;
        _histMag[_head] = magnitude;
        _head = _head + 1 == _histMag.Length ? 0 : _head + 1;
        if (_count < _histMag.Length)
        {
            _count++;
        }
    }

    private int IndexOfAge(int age)
    {
        var index = _head - 1 - age;
        return index < 0 ? index + _histMag.Length : index;
    }

    private void StartCandidate(TimeSpan t, double magnitude, bool clipped)
    {
        _phase = Phase.Settling;
        _lastImpact = t;
        _peakTime = t;
        _peak = magnitude;
        _saturated = clipped;
        _freeFallMin = FreeFallMinimum();

        // Posture before the event; with a short history (just after a restart) the oldest sample is the best guess.
        var first = _preSamples + 1;
        var last = Math.Min(_preSamples + _refSamples, _count - 1);
        if (last < first)
        {
            first = last = _count - 1;
        }

        // The most upright posture in the lookback: someone bent forward to get up, or slumped in a chair, was
        // sitting upright a moment before, and that is the posture the fall turns them away from.
        var best = IndexOfAge(first);
        var bestCos = double.NegativeInfinity;
        for (var age = first; age <= last; age++)
        {
            var i = IndexOfAge(age);
            var norm = Math.Sqrt((_histX[i] * _histX[i]) + (_histY[i] * _histY[i]) + (_histZ[i] * _histZ[i]));
            var cos = norm > 0 ? -_histY[i] / norm : -1;
            if (cos > bestCos)
            {
                bestCos = cos;
                best = i;
            }
        }

        _refX = _histX[best];
        _refY = _histY[best];
        _refZ = _histZ[best];
    }

    private void AddImpact(TimeSpan t, double magnitude, bool clipped)
    {
        _lastImpact = t;
        _saturated |= clipped;
        if (magnitude > _peak)
        {
            // The free fall that matters is the one before the hardest impact, not before the first bump.
            _peak = magnitude;
            _peakTime = t;
            _freeFallMin = Math.Min(_freeFallMin, FreeFallMinimum());
        }
    }

    private double FreeFallMinimum()
    {
        var min = double.PositiveInfinity;
        var oldest = Math.Min(_preSamples, _count - 1);
        for (var age = 1; age <= oldest; age++)
        {
            min = Math.Min(min, _histMag[IndexOfAge(age)]);
        }

        return double.IsPositiveInfinity(min) ? _histMag[IndexOfAge(0)] : min;
    }

    private void BeginWindow(Phase phase, TimeSpan t)
    {
        _phase = phase;
        _observeStart = t;
        _n = 0;
        _sum = _sumSq = _sumX = _sumY = _sumZ = 0;
    }

    private void Observe(double x, double y, double z, double magnitude)
    {
        _n++;
        _sum += magnitude;
        _sumSq += magnitude * magnitude;
        _sumX += x;
        _sumY += y;
        _sumZ += z;
    }

    private bool Judge(TimeSpan t, out FallDetection detection)
    {
        detection = default;
        var mean = _sum / _n;
        var stillness = Math.Sqrt(Math.Max(0, (_sumSq / _n) - (mean * mean)));
        var change = AngleDeg(_refX, _refY, _refZ, _sumX, _sumY, _sumZ);
        var prior = AngleDeg(0, -1, 0, _refX, _refY, _refZ);
        var tilt = AngleDeg(0, -1, 0, _sumX, _sumY, _sumZ);
        if (stillness > _options.StillnessMaxG
            || change < _options.MinOrientationChangeDeg
            || tilt < _options.MinLyingTiltDeg
            || prior > _options.MaxPriorTiltDeg
            || _freeFallMin > _options.FreeFallMaxG)
        {
            return false;
        }

        if (tilt < _options.ReclinedTiltDeg && _options.ReclinedConfirmTime > TimeSpan.Zero)
        {
            // Reclined, as in a chair as much as on the floor: a fall keeps the wearer down, a quick sit does not.
            _pendingStillness = stillness;
            _pendingChange = change;
            _pendingPrior = prior;
            _pendingTilt = tilt;
            BeginWindow(Phase.Confirming, t);
            return false;
        }

        detection = Alarm(t, stillness, change, prior, tilt, double.NaN, double.NaN);
        return true;
    }

    private bool Confirm(TimeSpan t, double stillness, double change, out FallDetection detection)
    {
        if (stillness > _options.StillnessMaxG || change < _options.MinOrientationChangeDeg)
        {
            detection = default;
            return false;
        }

        detection = Alarm(t, _pendingStillness, _pendingChange, _pendingPrior, _pendingTilt, stillness, change);
        return true;
    }

    private FallDetection Alarm(TimeSpan t, double stillness, double change, double prior, double tilt, double confirmStillness, double confirmChange)
    {
        _hasAlarm = true;
        _lastAlarm = t;
        return new FallDetection(
            t,
            _peakTime,
            Confidence(stillness, change),
            _peak,
            _freeFallMin,
            stillness,
            change,
            prior,
            tilt,
            _saturated,
            confirmStillness,
            confirmChange);
    }

    private double Confidence(double stillness, double change)
    {
        // Each score is 0.5 at its threshold and 1 with a clear margin; the mean ranks detections for the log.
        var impact = _saturated ? 1 : 0.5 * _peak / _options.ImpactThresholdG;
        var freeFall = 1 - _freeFallMin;
        var still = double.IsFinite(_options.StillnessMaxG) && _options.StillnessMaxG > 0
            ? 1 - (0.5 * stillness / _options.StillnessMaxG)
            : 1 - (stillness / 0.2);
        var turned = change / 90;
        return (Math.Clamp(impact, 0, 1) + Math.Clamp(freeFall, 0, 1) + Math.Clamp(still, 0, 1) + Math.Clamp(turned, 0, 1)) / 4;
    }

    private static double AngleDeg(double ax, double ay, double az, double bx, double by, double bz)
    {
        var na = Math.Sqrt((ax * ax) + (ay * ay) + (az * az));
        var nb = Math.Sqrt((bx * bx) + (by * by) + (bz * bz));
        if (na == 0 || nb == 0)
        {
            return 0;
        }

        var cos = Math.Clamp(((ax * bx) + (ay * by) + (az * bz)) / (na * nb), -1, 1);
        return Math.Acos(cos) * 180 / Math.PI;
    }
}
