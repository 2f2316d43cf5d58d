namespace EdgeGateway.Devices.Accelerometers;

/// <summary>
/// A dedicated thread that drains a FIFO each time the FIFO is expected to reach its watermark. It sleeps on its own
/// thread (<see cref="DeadlineWait"/>) rather than on a thread-pool timer: on a busy machine it waits for a scheduler
/// slice, not behind a queue of other work.
/// </summary>
internal sealed class FifoReaderThread : IDisposable
{
    private readonly Action _read;
    private readonly Action<string>? _started;
    private readonly TimeProvider _time;
    private readonly long _intervalTicks;
    private readonly DeadlineWait _wait;
    private readonly Thread _thread;
    private long _firstDeadline;
    private long _maxLateTicks;
    private long _maxReadTicks;
    private int _stopped;

    /// <summary>Reads via <paramref name="read"/> every <paramref name="interval"/> of <paramref name="time"/>, measured from the start of the previous read; <paramref name="started"/> hears the priority it got.</summary>
    public FifoReaderThread(string name, Action read, TimeSpan interval, TimeProvider time, Action<string>? started = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _read = read;
        _started = started;
        _time = time;
        _intervalTicks = (long)(interval.TotalSeconds * time.TimestampFrequency);
        _wait = new DeadlineWait(time);

        // Highest is honoured on Windows; Linux ignores it, see ThreadPriorities.
        _thread = new Thread(Run) { IsBackground = true, Name = name, Priority = ThreadPriority.Highest };
    }

    /// <summary>The latest the thread woke after a deadline (scheduling delay; the bench reports it).</summary>
    public TimeSpan MaxLateness => TimeSpan.FromSeconds((double)Interlocked.Read(ref _maxLateTicks) / _time.TimestampFrequency);

    /// <summary>The longest one read took (bus time and preemption during it).</summary>
    public TimeSpan MaxReadTime => TimeSpan.FromSeconds((double)Interlocked.Read(ref _maxReadTicks) / _time.TimestampFrequency);

    /// <summary>Starts the thread; the first read is one interval from now.</summary>
    public void Start()
    {
        // Taken here, not on the new thread: a clock that moves before the thread first runs must not shift the cadence.
        _firstDeadline = _time.GetTimestamp() + _intervalTicks;
        _thread.Start();
    }

    /// <summary>Stops the thread and waits for a read in progress to end (unless called from the reader itself).</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        _wait.Interrupt();
        if (Thread.CurrentThread == _thread)
        {
            return; // the loop ends after this read; the wait handle goes with the thread
        }

        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        _wait.Dispose();
    }

    private static void Record(ref long max, long value)
    {
        if (value > Interlocked.Read(ref max))
        {
            Interlocked.Exchange(ref max, value);
        }
    }

    /// <summary>Same as <see cref="Stop"/>.</summary>
    public void Dispose() => Stop();

    private void Run()
    {
        // Real time, below the press path: at nice -10 a fully loaded machine (a parallel test suite beside the demo) kept
        // it waiting past the FIFO's 165 ms and a replayed fall went undetected. It sleeps between short reads, so it
        // cannot starve anyone; refused, it falls back to nice -10.
        ThreadPriorities.TryRealtime(ThreadPriorities.FallPathRealtime, out var priority);
        _started?.Invoke(priority);
        var deadline = Interlocked.Read(ref _firstDeadline);
        while (true)
        {
            if (!_wait.Until(deadline))
            {
                return;
            }

            // The read empties the FIFO, so it is next at its watermark one interval after this read began.
            var started = _time.GetTimestamp();
            _read();
            Record(ref _maxLateTicks, started - deadline);
            Record(ref _maxReadTicks, _time.GetTimestamp() - started);
            deadline = started + _intervalTicks;
        }
    }
}
