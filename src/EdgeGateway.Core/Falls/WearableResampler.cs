namespace EdgeGateway.Core.Falls;

/// <summary>Turns SisFall's ADXL345 recordings (200 Hz counts, ±16 g) into what the belt-clip wearable (Puck.js v2) sends: a lower rate, milli-g, ±8 g.</summary>
/// <remarks>
/// Anti-alias filter: the mean of each block of <c>decimation</c> input samples (a boxcar), then one output sample per
/// block. Its nulls fall on the multiples of the output rate, which are exactly the frequencies that fold onto 0 Hz, and
/// everything that folds into the detector's 0–4 Hz pass band (46–54 Hz and 96–100 Hz at 50 Hz out) is at least 20 dB
/// down; what folds to 4–25 Hz is removed by the detector's own 4th-order 4 Hz low-pass anyway. Unlike a sharper FIR it
/// has no negative taps, so it never overshoots: an impact cannot come out harder than it went in, and no sample is
/// pushed onto the ±8 g rail by ringing. Then, as the wearable does: counts to g, rounded to 1 mg (the int16 milli-g of
/// its notifications), clipped at ±8 g. Pure: no I/O, no allocation.
/// </remarks>
public static class WearableResampler
{
    /// <summary>The wearable's full-scale range in g (±8 g).</summary>
    public const double RangeG = 8;

    /// <summary>The wearable's rail in milli-g: a clipped axis reads this (with its sign).</summary>
    public const short RangeMilliG = 8000;

    /// <summary>Milli-g per g.</summary>
    public const double MilliGPerG = 1000;

    /// <summary>The wearable's sample rate in hertz (issue 31: 50 Hz notifications).</summary>
    public const double WearableRateHz = 50;

    /// <summary>The decimation from SisFall's 200 Hz to <paramref name="outputRateHz"/>; throws unless 200 is a whole multiple of it.</summary>
    public static int DecimationFor(double outputRateHz)
    {
        var factor = SisFallFormat.SampleRateHz / outputRateHz;
        if (!(outputRateHz > 0) || double.IsInfinity(outputRateHz) || factor != Math.Round(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(outputRateHz), outputRateHz, $"rate must divide {SisFallFormat.SampleRateHz} Hz into a whole number of samples (e.g. 100, 50, 25)");
        }

        return (int)factor;
    }

    /// <summary>Output samples for <paramref name="inputSamples"/> input samples: whole blocks only, a trailing partial block is dropped.</summary>
    public static int OutputLength(int inputSamples, int decimation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputSamples);
        ArgumentOutOfRangeException.ThrowIfLessThan(decimation, 1);
        return inputSamples / decimation;
    }

    /// <summary>Resamples interleaved x, y, z ADXL345 counts (200 Hz) into interleaved x, y, z milli-g at 200 / <paramref name="decimation"/> Hz; returns the samples written.</summary>
    public static int Resample(ReadOnlySpan<short> adxlCounts, int decimation, Span<short> milliG)
    {
        if (adxlCounts.Length % 3 != 0)
        {
            throw new ArgumentException("counts must be whole x, y, z triples", nameof(adxlCounts));
        }

        var samples = OutputLength(adxlCounts.Length / 3, decimation);
        if (milliG.Length < samples * 3)
        {
            throw new ArgumentException($"room for {samples * 3} values needed, {milliG.Length} given", nameof(milliG));
        }

        for (var n = 0; n < samples; n++)
        {
            for (var axis = 0; axis < 3; axis++)
            {
                // Integer sum: the mean is exact before the single rounding to milli-g.
                var sum = 0;
                for (var k = 0; k < decimation; k++)
                {
                    sum += adxlCounts[(((n * decimation) + k) * 3) + axis];
                }

                milliG[(n * 3) + axis] = ToMilliG(sum * SisFallFormat.AdxlGPerCount / decimation);
            }
        }

        return samples;
    }

    /// <summary>Resamples interleaved x, y, z accelerations in g (200 Hz) into interleaved x, y, z milli-g at 200 / <paramref name="decimation"/> Hz, as <see cref="Resample(ReadOnlySpan{short}, int, Span{short})"/> does with counts; returns the samples written.</summary>
    public static int Resample(ReadOnlySpan<double> g, int decimation, Span<short> milliG)
    {
        if (g.Length % 3 != 0)
        {
            throw new ArgumentException("values must be whole x, y, z triples", nameof(g));
        }

        var samples = OutputLength(g.Length / 3, decimation);
        if (milliG.Length < samples * 3)
        {
            throw new ArgumentException($"room for {samples * 3} values needed, {milliG.Length} given", nameof(milliG));
        }

        for (var n = 0; n < samples; n++)
        {
            for (var axis = 0; axis < 3; axis++)
            {
                var sum = 0.0;
                for (var k = 0; k < decimation; k++)
                {
                    sum += g[(((n * decimation) + k) * 3) + axis];
                }

                milliG[(n * 3) + axis] = ToMilliG(sum / decimation);
            }
        }

        return samples;
    }

    /// <summary>One axis as the wearable reports it: rounded to the nearest milli-g (halves away from zero) and clipped at ±8 g.</summary>
    public static short ToMilliG(double g)
    {
        if (double.IsNaN(g))
        {
            throw new ArgumentOutOfRangeException(nameof(g), g, "not a number");
        }

        var mg = Math.Round(g * MilliGPerG, MidpointRounding.AwayFromZero);
        return (short)Math.Clamp(mg, -RangeMilliG, RangeMilliG);
    }
}
