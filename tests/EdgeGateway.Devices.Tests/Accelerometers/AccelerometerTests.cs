using EdgeGateway.Core.Events;
using EdgeGateway.Core.Falls;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Accelerometers;
using EdgeGateway.Devices.Accelerometers.Adxl345;
using EdgeGateway.Devices.Accelerometers.Mpu6050;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.Devices.Supervision;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Devices.Tests.Accelerometers;

public sealed class AccelerometerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<AccelerationSample> _samples = [];
    private readonly List<SupervisionChange> _supervision = [];

    /// <summary>A ramp on x (one LSB per sample, wrapping) so lost, repeated or reordered samples show.</summary>
    private static AccelerationTrace Ramp() =>
        new(Enumerable.Range(0, 2000).Select(i => ((i % 1000) / 256.0, 1.0, -(i % 7) / 256.0)));

    /// <summary>The timer reader by default: the fake clock fires it inside Advance, so these tests stay on one thread.</summary>
    private Accelerometer Supervise(
        IAccelerometerChip chip,
        AccelerometerReader reader = AccelerometerReader.Timer,
        Action<AccelerationSample>? sink = null,
        ILogger? logger = null) => new(
        chip,
        new AccelerometerOptions { SensorId = "hall", PollInterval = TimeSpan.FromMilliseconds(50), Reader = reader },
        _time,
        new CareEventFactory("home-1", _time, new FixedClockSyncStatus(true)).Now,
        sink ?? _samples.Add,
        _supervision.Add,
        logger);

    /// <summary>Advances the fake clock one reader interval at a time and waits (bounded) for the reader thread to deliver it.</summary>
    private async Task StepReaderAsync(Accelerometer accelerometer, Func<long> delivered, TimeSpan interval, int samplesPerStep, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            var expected = delivered() + samplesPerStep;
            _time.Advance(interval);
            await Eventually.UntilAsync(() => delivered() >= expected, TimeSpan.FromSeconds(20), () => $"step {i}: {delivered()} of {expected} samples");
        }
    }

    /// <summary>Polls at jittered times (20–150 ms apart, inside the 160 ms the 32-entry FIFO lasts at 200 Hz).</summary>
    private void PollJittered(Accelerometer accelerometer, TimeSpan duration, int seed)
    {
        var random = new Random(seed);
        var end = _time.GetUtcNow() + duration;
        while (_time.GetUtcNow() < end)
        {
            _time.Advance(TimeSpan.FromMilliseconds(20 + random.Next(130)));
            accelerometer.Poll();
        }
    }

    private void AssertContinuousRamp(double hz, int from = 0)
    {
        Assert.NotEmpty(_samples);
        var period = TimeSpan.FromSeconds(1 / hz);
        for (var i = from + 1; i < _samples.Count; i++)
        {
            var expected = ((Math.Round(_samples[i - 1].XG * 256) + 1) % 1000) / 256.0;
            Assert.Equal(expected, _samples[i].XG, 9);
            Assert.Equal(period, _samples[i].Timestamp - _samples[i - 1].Timestamp);
        }
    }

    [Fact]
    public void Adxl345_start_up_checks_the_id_and_configures_200_Hz_full_resolution_16_g_stream_fifo()
    {
        var sim = new SimulatedAdxl345(_time);
        using var accelerometer = Supervise(new Adxl345(sim));
        accelerometer.Start();
        Assert.Equal(SupervisionState.Alive, accelerometer.State);
        Span<byte> reg = stackalloc byte[1];
        sim.WriteRead([(byte)Adxl345Register.BwRate], reg);
        Assert.Equal(0x0B, reg[0]);
        sim.WriteRead([(byte)Adxl345Register.DataFormat], reg);
        Assert.Equal(0x0B, reg[0]);
        sim.WriteRead([(byte)Adxl345Register.FifoCtl], reg);
        Assert.Equal(0b10, reg[0] >> 6);
        sim.WriteRead([(byte)Adxl345Register.PowerCtl], reg);
        Assert.Equal(0x08, reg[0]);
    }

    [Fact]
    public void Adxl345_delivers_every_sample_in_order_through_the_fifo_despite_polling_jitter()
    {
        var sim = new SimulatedAdxl345(_time, Ramp());
        using var accelerometer = Supervise(new Adxl345(sim));
        accelerometer.Start();
        PollJittered(accelerometer, TimeSpan.FromSeconds(10), seed: 7);
        Assert.Equal(0, accelerometer.Overruns);
        Assert.InRange(_samples.Count, 1990, 2030);
        Assert.Equal(sim.SamplesProduced - sim.Entries, _samples.Count);
        AssertContinuousRamp(200);
        Assert.Equal(1.0, _samples[^1].YG, 9);
        Assert.InRange(_samples[^1].Timestamp, TimeSpan.FromSeconds(9.8), TimeSpan.FromSeconds(10.2));
    }

    [Fact]
    public void Adxl345_fifo_overrun_is_counted_and_the_stream_carries_on_with_a_fresh_timeline()
    {
        var sim = new SimulatedAdxl345(_time, Ramp());
        using var accelerometer = Supervise(new Adxl345(sim));
        accelerometer.Start();
        PollJittered(accelerometer, TimeSpan.FromSeconds(1), seed: 1);
        var before = _samples.Count;
        _time.Advance(TimeSpan.FromMilliseconds(400)); // a scheduling stall: 80 samples due, 33 fit
        accelerometer.Poll();
        Assert.Equal(1, accelerometer.Overruns);
        Assert.Equal(33, _samples.Count - before);
        PollJittered(accelerometer, TimeSpan.FromSeconds(1), seed: 2);
        Assert.Equal(1, accelerometer.Overruns);
        Assert.Equal(SupervisionState.Alive, accelerometer.State);
        Assert.True(_samples[before].Timestamp - _samples[before - 1].Timestamp > TimeSpan.FromMilliseconds(5));
    }

    [Fact]
    public void Adxl345_stop_then_start_reports_no_stale_overrun_from_the_samples_overwritten_while_stopped()
    {
        var sim = new SimulatedAdxl345(_time, Ramp());
        using var accelerometer = Supervise(new Adxl345(sim));
        accelerometer.Start();
        PollJittered(accelerometer, TimeSpan.FromSeconds(1), seed: 15);
        accelerometer.Stop();
        _time.Advance(TimeSpan.FromSeconds(1)); // the chip keeps sampling in stream mode: its FIFO overruns unread
        Span<byte> b = stackalloc byte[1];
        sim.WriteRead([(byte)Adxl345Register.IntSource], b);
        Assert.Equal(Adxl345Codec.OverrunBit, b[0] & Adxl345Codec.OverrunBit);

        accelerometer.Start();
        var before = _samples.Count;
        PollJittered(accelerometer, TimeSpan.FromSeconds(1), seed: 16);
        Assert.Equal(0, accelerometer.Overruns);
        Assert.InRange(_samples.Count - before, 190, 235);
        Assert.Equal(SupervisionState.Alive, accelerometer.State);
    }

    [Fact]
    public void Simulated_adxl345_overrun_survives_emptying_the_fifo_and_reading_int_source_but_clears_on_a_data_read()
    {
        var sim = new SimulatedAdxl345(_time, Ramp());
        sim.Write([(byte)Adxl345Register.BwRate, 0x0B]);
        sim.Write([(byte)Adxl345Register.FifoCtl, 0x80]);
        sim.Write([(byte)Adxl345Register.PowerCtl, 0x08]);
        _time.Advance(TimeSpan.FromSeconds(1));
        Span<byte> b = stackalloc byte[1];
        sim.WriteRead([(byte)Adxl345Register.IntSource], b);
        Assert.Equal(0x01, b[0] & 0x01);
        sim.Write([(byte)Adxl345Register.PowerCtl, 0x00]);
        sim.Write([(byte)Adxl345Register.FifoCtl, 0x00]); // bypass empties the FIFO
        sim.WriteRead([(byte)Adxl345Register.IntSource], b);
        Assert.Equal(0x01, b[0] & 0x01); // still set: reading INT_SOURCE does not clear it either
        sim.WriteRead([(byte)Adxl345Register.FifoStatus], b);
        Assert.Equal(0, b[0] & 0x3F);
        Span<byte> data = stackalloc byte[6];
        sim.WriteRead([(byte)Adxl345Register.DataX0], data);
        sim.WriteRead([(byte)Adxl345Register.IntSource], b);
        Assert.Equal(0, b[0] & 0x01);
    }

    [Fact]
    public void Mpu6050_stop_then_start_reports_no_stale_overflow()
    {
        var sim = new SimulatedMpu6050(_time, Ramp());
        using var accelerometer = Supervise(new Mpu6050(sim, range: Mpu6050Range.G16));
        accelerometer.Start();
        PollJittered(accelerometer, TimeSpan.FromSeconds(1), seed: 17);
        accelerometer.Stop();
        _time.Advance(TimeSpan.FromSeconds(2)); // 400 samples > 170 fit
        accelerometer.Start();
        var before = _samples.Count;
        PollJittered(accelerometer, TimeSpan.FromSeconds(1), seed: 18);
        Assert.Equal(0, accelerometer.Overruns);
        Assert.InRange(_samples.Count - before, 190, 235);
        AssertContinuousRamp(200, from: before);
    }

    [Fact]
    public void A_throwing_sample_consumer_is_logged_with_the_sensor_id_counted_and_the_input_keeps_reading()
    {
        var sim = new SimulatedAdxl345(_time, Ramp());
        var logger = new RecordingLogger();
        var calls = 0;
        using var accelerometer = Supervise(
            new Adxl345(sim),
            sink: s =>
            {
                // The fall detector failing on every 100th sample.
                if (++calls % 100 == 0)
                {
                    throw new InvalidOperationException("fall detector bug");
                }

                _samples.Add(s);
            },
            logger: logger);
        accelerometer.Start();
        PollJittered(accelerometer, TimeSpan.FromSeconds(10), seed: 19);
        Assert.Equal(calls / 100, accelerometer.SinkFailures);
        Assert.InRange(accelerometer.SinkFailures, 19, 21);
        Assert.Equal(calls, accelerometer.SamplesDelivered);
        Assert.Equal(calls - accelerometer.SinkFailures, _samples.Count);
        Assert.Equal(SupervisionState.Alive, accelerometer.State);
        Assert.Empty(_supervision);

        // Logged once (then at most once a minute), naming the sensor and carrying the exception.
        var entry = Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("hall", entry.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(entry.Exception);
        _time.Advance(TimeSpan.FromMinutes(1));
        PollJittered(accelerometer, TimeSpan.FromSeconds(1), seed: 20);
        Assert.Equal(2, logger.Entries.Count(e => e.Level == LogLevel.Error));
    }

    [Fact]
    public async Task Adxl345_is_read_on_its_own_thread_at_each_watermark_not_on_the_thread_pool()
    {
        var sim = new SimulatedAdxl345(_time, Ramp());
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var pooled = 0;
        using var accelerometer = new Accelerometer(
            new Adxl345(sim),
            new AccelerometerOptions { SensorId = "hall" },
            _time,
            new CareEventFactory("home-1", _time, new FixedClockSyncStatus(true)).Now,
            s =>
            {
                threads[Thread.CurrentThread.Name ?? "(unnamed)"] = 1;
                pooled += Thread.CurrentThread.IsThreadPoolThread ? 1 : 0;
                lock (_samples)
                {
                    _samples.Add(s);
                }
            });
        accelerometer.Start();

        // The default watermark is 8 samples: 40 ms at 200 Hz. Each step is one wake of the reader.
        await StepReaderAsync(accelerometer, () => accelerometer.SamplesDelivered, TimeSpan.FromMilliseconds(40), 8, steps: 50);
        accelerometer.Stop();
        Assert.Equal("accel hall", Assert.Single(threads.Keys));
        Assert.Equal(0, pooled);
        Assert.Equal(400, accelerometer.SamplesDelivered);
        Assert.Equal(8, accelerometer.MaxFifoLevel);
        Assert.Equal(0, accelerometer.Overruns);
        AssertContinuousRamp(200);
    }

    [Fact]
    public async Task Mpu6050_reader_thread_survives_a_throwing_consumer_and_reads_at_its_watermark()
    {
        var sim = new SimulatedMpu6050(_time, Ramp());
        var calls = 0;
        using var accelerometer = Supervise(
            new Mpu6050(sim, range: Mpu6050Range.G16, watermark: 20),
            AccelerometerReader.DedicatedThread,
            s =>
            {
                if (Interlocked.Increment(ref calls) % 50 == 0)
                {
                    throw new InvalidOperationException("fall detector bug");
                }
            });
        accelerometer.Start();
        await StepReaderAsync(accelerometer, () => accelerometer.SamplesDelivered, TimeSpan.FromMilliseconds(100), 20, steps: 20);
        accelerometer.Stop();
        Assert.Equal(400, accelerometer.SamplesDelivered);
        Assert.Equal(8, accelerometer.SinkFailures);
        Assert.Equal(20, accelerometer.MaxFifoLevel);
        Assert.Equal(SupervisionState.Alive, accelerometer.State);
    }

    [Fact]
    public void Adxl345_samples_lost_to_a_stall_in_mid_drain_are_counted_although_the_next_data_read_clears_the_overrun_bit()
    {
        // A 400 kHz bus whose time moves the fake clock; one transfer of one read is followed by a 200 ms stall, as a
        // reader preempted in the middle of a drain.
        var sim = new SimulatedAdxl345(_time, Ramp());
        var stallAfterTransfer = -1L;
        sim.ModelBusTime(_time, advance: d =>
        {
            _time.Advance(d);
            if (sim.Transfers == stallAfterTransfer)
            {
                _time.Advance(TimeSpan.FromMilliseconds(200));
            }
        });
        using var accelerometer = new Accelerometer(
            new Adxl345(sim),
            new AccelerometerOptions { SensorId = "hall", Reader = AccelerometerReader.Timer, PollInterval = TimeSpan.FromHours(1) },
            _time,
            new CareEventFactory("home-1", _time, new FixedClockSyncStatus(true)).Now,
            _samples.Add);
        accelerometer.Start();
        for (var i = 0; i < 50; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(40));
            accelerometer.Poll();
        }

        // FIFO_STATUS, then the third of 8 entries: 5 left + 40 new > 33, so the FIFO overflows mid-drain and the fourth
        // entry's data read clears the overrun bit.
        stallAfterTransfer = sim.Transfers + 1 + 3;
        _time.Advance(TimeSpan.FromMilliseconds(40));
        accelerometer.Poll();
        var lostBefore = sim.SamplesProduced - sim.Entries - accelerometer.SamplesDelivered;
        Span<byte> b = stackalloc byte[1];
        sim.WriteRead([(byte)Adxl345Register.IntSource], b);
        Assert.Equal(0, b[0] & Adxl345Codec.OverrunBit); // the chip no longer shows it
        Assert.True(lostBefore >= 10, $"{lostBefore} lost");

        _time.Advance(TimeSpan.FromMilliseconds(5)); // the reader catches up at once
        accelerometer.Poll();
        for (var i = 0; i < 25; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(40));
            accelerometer.Poll();
        }

        Assert.Equal(1, accelerometer.Overruns);
        Assert.Equal(lostBefore, sim.SamplesProduced - sim.Entries - accelerometer.SamplesDelivered);
    }

    [Fact]
    public void Adxl345_wrong_chip_at_the_address_is_a_clear_fault_naming_both_ids()
    {
        var sim = new SimulatedAdxl345(_time) { WrongDeviceId = 0x68 };
        var chip = new Adxl345(sim);
        var ex = Assert.Throws<IOException>(chip.Initialise);
        Assert.Contains("0x68", ex.Message, StringComparison.Ordinal);
        Assert.Contains("0xE5", ex.Message, StringComparison.Ordinal);

        using var accelerometer = Supervise(chip);
        accelerometer.Start(); // no exception escapes
        var fault = Assert.Single(_supervision);
        Assert.Equal(CareEventKind.SensorFault, fault.Event);
        Assert.Contains("expected 0xE5", fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Adxl345_nack_becomes_one_fault_then_retries_with_back_off_until_the_chip_answers_again()
    {
        var sim = new SimulatedAdxl345(_time, Ramp());
        using var accelerometer = Supervise(new Adxl345(sim));
        accelerometer.Start();
        PollJittered(accelerometer, TimeSpan.FromSeconds(1), seed: 3);
        sim.Nack = true;
        PollJittered(accelerometer, TimeSpan.FromSeconds(10), seed: 4);
        var fault = Assert.Single(_supervision);
        Assert.Equal(SupervisionState.Faulted, fault.State);
        Assert.Contains("NACK", fault.Reason, StringComparison.Ordinal);

        // The chip lost power with the bus: it comes back in its reset state and must be set up again.
        sim.Reset();
        sim.Nack = false;
        var countAtRecovery = _samples.Count;
        PollJittered(accelerometer, TimeSpan.FromSeconds(30), seed: 5); // back-off reached 16 s during the outage
        Assert.Equal(SupervisionState.Alive, accelerometer.State);
        Assert.Equal([CareEventKind.SensorFault, CareEventKind.SensorRestored], _supervision.Select(s => s.Event));
        Assert.True(_samples.Count - countAtRecovery > 1000);
    }

    [Fact]
    public void Adxl345_stuck_fifo_and_frozen_data_are_faults_and_recover_after_reinitialisation()
    {
        var sim = new SimulatedAdxl345(_time, Ramp());
        using var accelerometer = Supervise(new Adxl345(sim));
        accelerometer.Start();
        sim.StuckFifo = true;
        PollJittered(accelerometer, TimeSpan.FromSeconds(1), seed: 6);
        Assert.Contains("FIFO stuck", Assert.Single(_supervision).Reason, StringComparison.Ordinal);
        sim.StuckFifo = false;
        PollJittered(accelerometer, TimeSpan.FromSeconds(3), seed: 7);
        Assert.Equal(SupervisionState.Alive, accelerometer.State);

        sim.FrozenData = true;
        PollJittered(accelerometer, TimeSpan.FromSeconds(20), seed: 8);

        // Re-initialising does not unfreeze it, so it stays faulted: one report, no fault/restore storm.
        Assert.Equal(SupervisionState.Faulted, accelerometer.State);
        Assert.Contains("frozen", _supervision[^1].Reason, StringComparison.Ordinal);
        Assert.Equal([CareEventKind.SensorFault, CareEventKind.SensorRestored, CareEventKind.SensorFault], _supervision.Select(s => s.Event));
        sim.FrozenData = false;
        PollJittered(accelerometer, TimeSpan.FromSeconds(40), seed: 9);
        Assert.Equal(SupervisionState.Alive, accelerometer.State);
    }

    [Fact]
    public void Simulated_adxl345_burst_reads_auto_increment_and_overrun_clears_when_data_is_read()
    {
        var sim = new SimulatedAdxl345(_time, new AccelerationTrace([(1.0, -1.0, 0.5)]));
        sim.Write([(byte)Adxl345Register.DataFormat, 0x0B]);
        sim.Write([(byte)Adxl345Register.BwRate, 0x0B]);
        sim.Write([(byte)Adxl345Register.FifoCtl, 0x80]);
        sim.Write([(byte)Adxl345Register.PowerCtl, 0x08]);
        _time.Advance(TimeSpan.FromSeconds(1));
        Span<byte> b = stackalloc byte[1];
        sim.WriteRead([(byte)Adxl345Register.FifoStatus], b);
        Assert.Equal(33, b[0] & 0x3F);
        sim.WriteRead([(byte)Adxl345Register.IntSource], b);
        Assert.Equal(0x01, b[0] & 0x01);
        Span<byte> data = stackalloc byte[6];
        sim.WriteRead([(byte)Adxl345Register.DataX0], data);
        Assert.Equal([0x00, 0x01, 0x00, 0xFF, 0x80, 0x00], data.ToArray());
        sim.WriteRead([(byte)Adxl345Register.IntSource], b);
        Assert.Equal(0, b[0] & 0x01);
        sim.WriteRead([(byte)Adxl345Register.FifoStatus], b);
        Assert.Equal(32, b[0] & 0x3F);
    }

    [Fact]
    public void Mpu6050_wakes_from_sleep_and_streams_every_sample_through_its_fifo()
    {
        var sim = new SimulatedMpu6050(_time, Ramp());
        Span<byte> b = stackalloc byte[1];
        sim.WriteRead([(byte)Mpu6050Register.PwrMgmt1], b);
        Assert.Equal(0x40, b[0]); // asleep at power-on
        using var accelerometer = Supervise(new Mpu6050(sim, range: Mpu6050Range.G16));
        accelerometer.Start();
        Assert.Equal(SupervisionState.Alive, accelerometer.State);
        sim.WriteRead([(byte)Mpu6050Register.PwrMgmt1], b);
        Assert.Equal(0x01, b[0]);
        PollJittered(accelerometer, TimeSpan.FromSeconds(10), seed: 9);
        Assert.InRange(_samples.Count, 1990, 2030);
        AssertContinuousRamp(200);
    }

    [Fact]
    public void Mpu6050_fifo_overflow_resets_the_fifo_and_the_stream_resumes_aligned()
    {
        var sim = new SimulatedMpu6050(_time, Ramp());
        using var accelerometer = Supervise(new Mpu6050(sim, range: Mpu6050Range.G16));
        accelerometer.Start();
        PollJittered(accelerometer, TimeSpan.FromSeconds(1), seed: 10);
        _time.Advance(TimeSpan.FromSeconds(1)); // 200 samples = 1200 bytes > 1024
        accelerometer.Poll();
        Assert.Equal(1, accelerometer.Overruns);
        Assert.Equal(0, sim.FifoCount);
        var after = _samples.Count;
        PollJittered(accelerometer, TimeSpan.FromSeconds(1), seed: 11);
        Assert.True(_samples.Count - after > 150);
        for (var i = after + 1; i < _samples.Count; i++)
        {
            Assert.Equal(1.0, _samples[i].YG, 3); // misaligned bytes would put x or z data here
        }
    }

    [Fact]
    public void Mpu6050_wrong_id_and_nack_are_faults_never_exceptions()
    {
        var sim = new SimulatedMpu6050(_time) { WrongDeviceId = 0x72 };
        using var accelerometer = Supervise(new Mpu6050(sim));
        accelerometer.Start();
        Assert.Contains("WHO_AM_I reads 0x72, expected 0x68", Assert.Single(_supervision).Reason, StringComparison.Ordinal);
        sim.WrongDeviceId = null;
        sim.Nack = true;
        PollJittered(accelerometer, TimeSpan.FromSeconds(5), seed: 12);
        Assert.Single(_supervision);
        sim.Nack = false;
        PollJittered(accelerometer, TimeSpan.FromSeconds(5), seed: 13);
        Assert.Equal(SupervisionState.Alive, accelerometer.State);
        Assert.NotEmpty(_samples);
    }

    [Fact]
    public void A_sisfall_recording_plays_back_in_g()
    {
        const string recording = "  17,-179, -99, -18,-504,-352,  76,-697,-279;\n  15,-174, -90, -53,-568,-306,  48,-675,-254;\n";
        var trace = AccelerationTrace.FromSisFall(new StringReader(recording));
        Assert.Equal(2, trace.Count);
        Assert.Equal(17 * 32.0 / 8192, trace[0].X, 9);
        Assert.Equal(-174 * 32.0 / 8192, trace[1].Y, 9);
        var sim = new SimulatedAdxl345(_time, trace);
        using var accelerometer = Supervise(new Adxl345(sim));
        accelerometer.Start();
        PollJittered(accelerometer, TimeSpan.FromSeconds(1), seed: 14);
        Assert.Contains(_samples, s => Math.Abs(s.XG - (17 / 256.0)) < 1e-9 && Math.Abs(s.ZG - (-99 / 256.0)) < 1e-9);
        var ex = Assert.Throws<FormatException>(() => AccelerationTrace.FromSisFall(new StringReader("1,2;\n")));
        Assert.Contains("line 1", ex.Message, StringComparison.Ordinal);
    }
}

