namespace EdgeGateway.Core.Falls;

/// <summary>4th-order Butterworth low-pass as two biquads (bilinear transform), designed from cut-off and sample rate.</summary>
/// <remarks>A mutable struct on purpose: it lives inside the detector's fields so filtering a sample allocates nothing.</remarks>
internal struct LowPassFilter
{
    // Pole-pair quality factors of a 4th-order Butterworth: 1 / (2 cos(pi/8)) and 1 / (2 cos(3 pi/8)).
    private const double Q1 = 0.54119610014619690;
    private const double Q2 = 1.3065629648763766;

    private Biquad _first;
    private Biquad _second;

    /// <summary>Designs the filter for the given cut-off and sample rate.</summary>
    public LowPassFilter(double cutoffHz, double sampleRateHz)
    {
        _first = Biquad.LowPass(cutoffHz, sampleRateHz, Q1);
        _second = Biquad.LowPass(cutoffHz, sampleRateHz, Q2);
    }

    /// <summary>Sets the state as if <paramref name="value"/> had been the input forever, so a restart has no transient.</summary>
    public void Prime(double value)
    {
        _first.Prime(value);
        _second.Prime(value);
    }

    /// <summary>Filters one sample.</summary>
    public double Next(double value) => _second.Next(_first.Next(value));

    private struct Biquad
    {
        private double _b0;
        private double _b1;
        private double _b2;
        private double _a1;
        private double _a2;
        private double _z1;
        private double _z2;

        public static Biquad LowPass(double cutoffHz, double sampleRateHz, double q)
        {
            var k = Math.Tan(Math.PI * cutoffHz / sampleRateHz);
            var norm = 1 / (1 + (k / q) + (k * k));
            var b0 = k * k * norm;
            return new Biquad
            {
                _b0 = b0,
                _b1 = 2 * b0,
                _b2 = b0,
                _a1 = 2 * ((k * k) - 1) * norm,
                _a2 = (1 - (k / q) + (k * k)) * norm,
            };
        }

        public void Prime(double value)
        {
            // Transposed direct form II at rest on a constant input: output equals input (unity DC gain).
            _z2 = (_b2 - _a2) * value;
            _z1 = ((_b1 - _a1) * value) + _z2;
        }

        public double Next(double x)
        {
            var y = (_b0 * x) + _z1;
            _z1 = (_b1 * x) - (_a1 * y) + _z2;
            _z2 = (_b2 * x) - (_a2 * y);
            return y;
        }
    }
}
