using EdgeGateway.Core.Falls;

namespace EdgeGateway.Core.Tests.Falls;

public class WearableResamplerTests
{
    // 256 ADXL345 counts are 1 g at ±16 g, 13 bit.
    private const short OneG = 256;

    private static short[] Interleave(int samples, Func<int, (short X, short Y, short Z)> at)
    {
        var counts = new short[samples * 3];
        for (var i = 0; i < samples; i++)
        {
            (counts[i * 3], counts[(i * 3) + 1], counts[(i * 3) + 2]) = at(i);
        }

        return counts;
    }

    private static short[] Resample(short[] counts, int decimation = 4)
    {
        var milliG = new short[WearableResampler.OutputLength(counts.Length / 3, decimation) * 3];
        var written = WearableResampler.Resample(counts, decimation, milliG);
        Assert.Equal(milliG.Length / 3, written);
        return milliG;
    }

    [Theory]
    [InlineData(200, 1)]
    [InlineData(100, 2)]
    [InlineData(50, 4)]
    [InlineData(25, 8)]
    public void Rates_that_divide_200_Hz_give_whole_decimations(double rate, int decimation) =>
        Assert.Equal(decimation, WearableResampler.DecimationFor(rate));

    [Theory]
    [InlineData(30)]
    [InlineData(0)]
    [InlineData(-50)]
    [InlineData(400)]
    [InlineData(double.NaN)]
    public void Other_rates_are_refused(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WearableResampler.DecimationFor(rate));

    [Theory]
    [InlineData(3000, 750)] // a 15 s fall trial
    [InlineData(19999, 4999)] // SisFall's "100 s" is one sample short: the partial block is dropped
    [InlineData(3, 0)]
    [InlineData(0, 0)]
    public void Length_is_whole_blocks_of_four(int input, int output)
    {
        Assert.Equal(output, WearableResampler.OutputLength(input, 4));
        Assert.Equal(output, Resample(new short[input * 3]).Length / 3);
    }

    [Fact]
    public void Standing_still_is_minus_one_g_on_y_in_milli_g()
    {
        var milliG = Resample(Interleave(8, _ => (0, -OneG, 0)));

        Assert.Equal(new short[] { 0, -1000, 0, 0, -1000, 0 }, milliG);
    }

    [Fact]
    public void Each_output_is_the_mean_of_its_block_of_four()
    {
        // y: 0, 1, 2, 3 counts → 1.5 counts = 5.859375 mg → 6 mg; then 4..7 → 5.5 counts = 21.484375 mg → 21 mg.
        var milliG = Resample(Interleave(8, i => (0, (short)i, 0)));

        Assert.Equal(6, milliG[1]);
        Assert.Equal(21, milliG[4]);
    }

    [Fact]
    public void A_50_Hz_vibration_is_removed_where_plain_decimation_would_alias_it_to_a_steady_tilt()
    {
        // 50 Hz at 200 Hz is +a, 0, −a, 0: taking every fourth sample reads +a for ever (0 Hz, a posture that is not
        // there); the mean of four cancels it. The same for 100 Hz (+a, −a).
        var fifty = Interleave(400, i => ((short)(OneG * (i % 4 == 0 ? 1 : i % 4 == 2 ? -1 : 0)), (short)-OneG, 0));
        var hundred = Interleave(400, i => ((short)(OneG * (i % 2 == 0 ? 1 : -1)), (short)-OneG, 0));

        foreach (var counts in new[] { fifty, hundred })
        {
            var milliG = Resample(counts);
            Assert.Equal(100, milliG.Length / 3);
            for (var n = 0; n < milliG.Length; n += 3)
            {
                Assert.Equal(0, milliG[n]);
                Assert.Equal(-1000, milliG[n + 1]);
            }

            Assert.Equal(OneG, counts[0]); // what plain decimation would have kept on x: 1 g
        }
    }

    [Fact]
    public void A_slow_movement_passes_unchanged_in_level()
    {
        // 1 Hz, 0.5 g on z: far below the boxcar's first null, so the amplitude is kept within the 1 mg step.
        var counts = Interleave(800, i => (0, (short)-OneG, (short)Math.Round(128 * Math.Sin(2 * Math.PI * i / 200))));
        var milliG = Resample(counts);

        var peak = Enumerable.Range(0, milliG.Length / 3).Max(n => milliG[(n * 3) + 2]);
        Assert.InRange(peak, 490, 500);
    }

    [Theory]
    [InlineData(0.0004, 0)]
    [InlineData(0.0006, 1)]
    [InlineData(-0.0006, -1)]
    [InlineData(0.0014, 1)]
    [InlineData(0.0625, 63)] // 16 counts, 62.5 mg exactly: halves go away from zero
    [InlineData(-0.0625, -63)]
    [InlineData(-1.0, -1000)]
    [InlineData(7.9996, 8000)]
    public void Axes_are_rounded_to_one_milli_g(double g, short milliG) =>
        Assert.Equal(milliG, WearableResampler.ToMilliG(g));

    [Theory]
    [InlineData(8.0004, 8000)]
    [InlineData(12.0, 8000)]
    [InlineData(-15.996, -8000)]
    [InlineData(double.PositiveInfinity, 8000)]
    public void Axes_are_clipped_at_the_wearables_eight_g(double g, short milliG) =>
        Assert.Equal(milliG, WearableResampler.ToMilliG(g));

    [Fact]
    public void A_hard_impact_is_clipped_at_eight_g_after_the_mean()
    {
        // 4095 counts is the ADXL345's +16 g rail: a block of them is 16 g, the wearable reads its own rail.
        var milliG = Resample(Interleave(4, _ => (4095, -4096, 0)));

        Assert.Equal(new short[] { 8000, -8000, 0 }, milliG);
    }

    [Fact]
    public void Wrong_shapes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => WearableResampler.Resample(new short[4], 4, new short[3]));
        Assert.Throws<ArgumentException>(() => WearableResampler.Resample(new short[24], 4, new short[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => WearableResampler.Resample(new short[24], 0, new short[24]));
        Assert.Throws<ArgumentOutOfRangeException>(() => WearableResampler.ToMilliG(double.NaN));
    }
    [Fact]
    public void In_g_it_gives_the_same_milli_g_as_in_counts()
    {
        // Counts that make halves, rails and a sign change, so a rounding or clipping difference between the two would show.
        var counts = Interleave(40, i => ((short)((i * 97) - 1800), (short)(-OneG + (i * 3)), (short)(i % 2 == 0 ? 4095 : -5)));
        var g = counts.Select(c => c * SisFallFormat.AdxlGPerCount).ToArray();
        var fromG = new short[30];

        var written = WearableResampler.Resample(g, 4, fromG);

        Assert.Equal(10, written);
        Assert.Equal(Resample(counts), fromG);
    }

    [Fact]
    public void In_g_a_block_of_four_is_its_mean_rounded_to_milli_g()
    {
        double[] g = [0.25, -1, 9, 0.5, -1, 9, 0.75, -1, 9, 1.0, -1, 9];
        var milliG = new short[3];

        Assert.Equal(1, WearableResampler.Resample(g, 4, milliG));
        Assert.Equal(new short[] { 625, -1000, 8000 }, milliG); // 9 g is past the wearable's ±8 g rail
        Assert.Throws<ArgumentException>(() => WearableResampler.Resample(new double[4], 4, new short[3]));
    }
}
