namespace EdgeGateway.Core.Falls;

/// <summary>
/// Watches a worn accelerometer's stream for what the fall detector does not judge: whether the wearer is upright or
/// down (so a long lie after a fall can be told from getting up), and whether the wearable is worn at all.
/// </summary>
/// <remarks>
/// Works on one-second means of the raw axes, so its cost per sample is a few additions and its state is fixed-size:
/// <see cref="Process"/> allocates nothing. Posture is the tilt of the mean from upright, with separate run lengths for
/// upright and down so a posture in between (reclined) keeps the last report. "Lifeless" needs three things at once for
/// <see cref="WearerMonitorOptions.LifelessTime"/>: no window with more spread of the one-second means than breathing gives,
/// the sensor flat (not upright) and no drift of its orientation. A person at rest fails the first within seconds; a
/// device on a table passes all three.
/// </remarks>
public sealed class WearerMonitor
{
    private static readonly TimeSpan Block = TimeSpan.FromSeconds(1);

    private readonly WearerMonitorOptions _options;
    private readonly int _windowBlocks;

    private bool _hasLast;
    private TimeSpan _last;
    private TimeSpan _blockStart;
    private int _n;
    private double _sx;
    private double _sy;
    private double _sz;

    private int _blocksInWindow;
    private TimeSpan _windowDuration;
    private double _movement;
    private long _windows;
    private double _wx;
    private double _wy;
    private double _wz;
    private double _wxx;
    private double _wyy;
    private double _wzz;

    private TimeSpan _uprightRun;
    private TimeSpan _downRun;
    private bool? _upright;

    private TimeSpan _lifelessRun;
    private bool _hasAnchor;
    private double _anchorX;
    private double _anchorY;
    private double _anchorZ;
    private bool _lifeless;

    /// <summary>Creates a monitor; the options are validated.</summary>
    public WearerMonitor(WearerMonitorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _windowBlocks = (int)Math.Round(options.MovementWindow / Block);
    }

    /// <summary>The last posture reported: true upright, false down, null not yet settled.</summary>
    public bool? Upright => _upright;

    /// <summary>The movement measure (g) of the last full window: the largest standard deviation of its one-second means on any axis.</summary>
    public double LastWindowMovementG => _movement;

    /// <summary>How many full movement windows have been judged; with <see cref="LastWindowMovementG"/> it lets an evaluation see every window.</summary>
    public long Windows => _windows;

    /// <summary>Whether <see cref="WearerChangeKind.Lifeless"/> was reported and no movement since.</summary>
    public bool Lifeless => _lifeless;

    /// <summary>Feeds one sample; returns true when something changed at this sample and fills <paramref name="change"/>.</summary>
    /// <remarks>At most one change per sample: a posture change and a lifeless change never fall on the same block end in practice, and a lifeless change wins if they do.</remarks>
    public bool Process(in AccelerationSample sample, out WearerChange change)
    {
        change = default;
        var x = sample.XG;
        var y = sample.YG;
        var z = sample.ZG;
        var t = sample.Timestamp;
        if (!double.IsFinite(x) || !double.IsFinite(y) || !double.IsFinite(z))
        {
            Restart();
            return false;
        }

        if (_hasLast && (t < _last || t - _last > _options.MaxGap))
        {
            // A hole in the signal says nothing about movement; start the block and the window again.
            Restart();
        }

        if (!_hasLast || _n == 0)
        {
            _blockStart = t;
        }

        _hasLast = true;
        _last = t;
        _n++;
        _sx += x;
        _sy += y;
        _sz += z;
        if (t - _blockStart < Block)
        {
            return false;
        }

        var duration = t - _blockStart;
        var mx = _sx / _n;
        var my = _sy / _n;
        var mz = _sz / _n;
        _n = 0;
        _sx = _sy = _sz = 0;
        return EndOfBlock(t, duration, mx, my, mz, out change);
    }

    private bool EndOfBlock(TimeSpan t, TimeSpan duration, double mx, double my, double mz, out WearerChange change)
    {
        change = default;
        var tilt = AngleDeg(0, -1, 0, mx, my, mz);

        // Tumbling window of one-second means: their standard deviation is the movement measure, judged once the window
        // is full so a breath (several seconds) is always inside it. The deviation rather than the range, because the
        // range of noise-only means has a long tail that would break a lifeless run now and then.
        if (_blocksInWindow == 0)
        {
            _wx = _wy = _wz = _wxx = _wyy = _wzz = 0;
            _windowDuration = TimeSpan.Zero;
        }

        _wx += mx;
        _wy += my;
        _wz += mz;
        _wxx += mx * mx;
        _wyy += my * my;
        _wzz += mz * mz;
        _blocksInWindow++;
        _windowDuration += duration;
        var lifelessChange = false;
        if (_blocksInWindow >= _windowBlocks)
        {
            var n = (double)_blocksInWindow;
            var varX = (_wxx / n) - ((_wx / n) * (_wx / n));
            var varY = (_wyy / n) - ((_wy / n) * (_wy / n));
            var varZ = (_wzz / n) - ((_wz / n) * (_wz / n));
            _movement = Math.Sqrt(Math.Max(0, Math.Max(varX, Math.Max(varY, varZ))));
            _blocksInWindow = 0;
            _windows++;
            lifelessChange = JudgeWindow(t, tilt, mx, my, mz, out change);
        }

        var postureChange = Posture(duration, tilt);
        if (lifelessChange)
        {
            return true;
        }

        if (postureChange)
        {
            change = new WearerChange(_upright == true ? WearerChangeKind.Upright : WearerChangeKind.Down, t, tilt, _movement);
            return true;
        }

        return false;
    }

    private bool JudgeWindow(TimeSpan t, double tilt, double mx, double my, double mz, out WearerChange change)
    {
        change = default;
        var moving = _movement > _options.MaxLifelessMovementG;
        if (!moving && !_hasAnchor)
        {
            _hasAnchor = true;
            _anchorX = mx;
            _anchorY = my;
            _anchorZ = mz;
        }

        var still = !moving
            && tilt >= _options.MinLifelessTiltDeg
            && AngleDeg(_anchorX, _anchorY, _anchorZ, mx, my, mz) <= _options.MaxLifelessDriftDeg;
        if (!still)
        {
            _lifelessRun = TimeSpan.Zero;
            _hasAnchor = false;
            if (_lifeless)
            {
                _lifeless = false;
                change = new WearerChange(WearerChangeKind.Moving, t, tilt, _movement);
                return true;
            }

            return false;
        }

        _lifelessRun += _windowDuration;
        if (!_lifeless && _lifelessRun >= _options.LifelessTime)
        {
            _lifeless = true;
            change = new WearerChange(WearerChangeKind.Lifeless, t, tilt, _movement);
            return true;
        }

        return false;
    }

    private bool Posture(TimeSpan duration, double tilt)
    {
        if (tilt <= _options.UprightMaxTiltDeg)
        {
            _uprightRun += duration;
            _downRun = TimeSpan.Zero;
            if (_upright != true && _uprightRun >= _options.UprightTime)
            {
                _upright = true;
                return true;
            }
        }
        else
        {
            _downRun += duration;
            _uprightRun = TimeSpan.Zero;
            if (_upright != false && _downRun >= _options.DownTime)
            {
                _upright = false;
                return true;
            }
        }

        return false;
    }

    private void Restart()
    {
        _hasLast = false;
        _n = 0;
        _sx = _sy = _sz = 0;
        _blocksInWindow = 0;
        _lifelessRun = TimeSpan.Zero;
        _hasAnchor = false;
        _uprightRun = TimeSpan.Zero;
        _downRun = TimeSpan.Zero;
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
