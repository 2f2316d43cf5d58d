using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;

namespace EdgeGateway.Core.Falls;

/// <summary>
/// One worn accelerometer's samples into the alarm loop: falls from <see cref="FallDetector"/> as fall signals, posture and
/// wear changes from <see cref="WearerMonitor"/> as <see cref="SensorKind.WearerPosture"/> and
/// <see cref="SensorKind.WearableWorn"/> readings (the fall rule watches for a long lie, the not-worn rule for a wearable left lying).
/// </summary>
/// <remarks>Call <see cref="Process"/> from one thread (the sensor's reader); it allocates only when it posts something.</remarks>
public sealed class WearableFeed
{
    private readonly string _sensorId;
    private readonly FallDetector _detector;
    private readonly WearerMonitor _wearer;
    private readonly AlarmLoop _loop;

    /// <summary>Creates the feed for <paramref name="sensorId"/>.</summary>
    public WearableFeed(string sensorId, FallDetector detector, WearerMonitor wearer, AlarmLoop loop)
    {
        ArgumentException.ThrowIfNullOrEmpty(sensorId);
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(wearer);
        ArgumentNullException.ThrowIfNull(loop);
        _sensorId = sensorId;
        _detector = detector;
        _wearer = wearer;
        _loop = loop;
    }

    /// <summary>Feeds one sample to both the detector and the monitor and posts what they report.</summary>
    public void Process(in AccelerationSample sample)
    {
        if (_detector.Process(sample, out var fall))
        {
            _loop.TryPostFall(_sensorId, fall.Confidence, Features(fall));
        }

        if (_wearer.Process(sample, out var change))
        {
            _loop.TryPost(Reading(change));
        }
    }

    private SensorReading Reading(WearerChange change)
    {
        var now = _loop.Now;
        return change.Kind switch
        {
            WearerChangeKind.Upright => SensorReading.Contact(_sensorId, SensorKind.WearerPosture, true, now),
            WearerChangeKind.Down => SensorReading.Contact(_sensorId, SensorKind.WearerPosture, false, now),
            WearerChangeKind.Lifeless => SensorReading.Contact(_sensorId, SensorKind.WearableWorn, false, now),
            _ => SensorReading.Contact(_sensorId, SensorKind.WearableWorn, true, now),
        };
    }

    private static Dictionary<string, string> Features(FallDetection fall) => new(StringComparer.Ordinal)
    {
        ["confidence"] = fall.Confidence.ToString("0.00", CultureInfo.InvariantCulture),
        ["peakG"] = fall.PeakImpact.GValue("0.0"),
        ["orientationChangeDeg"] = fall.OrientationChangeDeg.ToString("0", CultureInfo.InvariantCulture),
        ["stillnessG"] = fall.Stillness.GValue("0.000"),
    };
}
