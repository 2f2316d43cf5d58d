using System.Device.I2c;

namespace EdgeGateway.Devices.Simulated;

/// <summary>
/// What every simulated accelerometer chip shares: a trace played at the chip's sample rate from a <see cref="TimeProvider"/>,
/// catching up on the samples due since the last bus transfer, and the faults a test can inject. The chip keeps its own
/// register map and FIFO.
/// </summary>
public abstract class SimulatedAccelerometer : SimulatedI2cRegisterDevice
{
    private AccelerationTrace _trace;
    private long _sampleStart;
    private long _produced;
    private long _traceIndex;

    /// <summary>A chip at <paramref name="address"/> on bus 1, playing <paramref name="trace"/> (a body at rest by default).</summary>
    protected SimulatedAccelerometer(TimeProvider time, AccelerationTrace? trace, int address)
        : base(new I2cConnectionSettings(1, address))
    {
        ArgumentNullException.ThrowIfNull(time);
        Time = time;
        _trace = trace ?? AccelerationTrace.AtRest();
    }

    /// <summary>Answer the identity register with this value instead of the chip's own (another chip at the address); null for the real ID.</summary>
    public byte? WrongDeviceId { get; set; }

    /// <summary>When true no new samples are taken, as a chip whose sampling clock stalled.</summary>
    public bool StuckFifo { get; set; }

    /// <summary>When true every new sample repeats the last one exactly, as a chip with a frozen signal chain.</summary>
    public bool FrozenData { get; set; }

    /// <summary>Samples produced since sampling (re)started.</summary>
    public long SamplesProduced => _produced;

    /// <summary>The clock the samples follow.</summary>
    protected TimeProvider Time { get; }

    /// <summary>True while the chip samples (measuring, awake).</summary>
    protected abstract bool Sampling { get; }

    /// <summary>The sample rate the registers set now, in Hz.</summary>
    protected abstract double SampleRateHz { get; }

    /// <summary>How many of the newest samples the chip can still hold after a long gap; older ones were overwritten.</summary>
    protected abstract int SamplesHeld { get; }

    /// <summary>Replaces the trace; playback continues from its start.</summary>
    public void Play(AccelerationTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        _trace = trace;
        _traceIndex = 0;
    }

    /// <inheritdoc />
    protected sealed override void CatchUp()
    {
        if (!Sampling)
        {
            return;
        }

        // The epsilon keeps a sample due exactly at a period boundary from being lost to rounding (0.04 s × 200 = 7.999…).
        var due = (long)Math.Floor((Time.GetElapsedTime(_sampleStart).TotalSeconds * SampleRateHz) + 1e-6);
        var missing = due - _produced;
        if (missing <= 0)
        {
            return;
        }

        // After a very long gap only the newest samples can still be in the chip; the rest were overwritten.
        var keep = SamplesHeld;
        if (missing > keep)
        {
            _traceIndex += missing - keep;
            OnSamplesOverwritten();
            missing = keep;
        }

        for (var i = 0; i < missing; i++)
        {
            if (!StuckFifo)
            {
                Produce();
            }
        }

        _produced = due;
    }

    /// <summary>Starts counting samples from now (sampling started, or its rate changed).</summary>
    protected void RestartSampling()
    {
        _sampleStart = Time.GetTimestamp();
        _produced = 0;
    }

    /// <summary>The next point of the trace, in g.</summary>
    protected (double X, double Y, double Z) NextTracePoint() => _trace[_traceIndex++];

    /// <summary>Flags what the chip flags when samples were overwritten unread during a long gap.</summary>
    protected abstract void OnSamplesOverwritten();

    /// <summary>Takes one sample (from <see cref="NextTracePoint"/>, or the last one when <see cref="FrozenData"/>) into the output registers and FIFO.</summary>
    protected abstract void Produce();
}
