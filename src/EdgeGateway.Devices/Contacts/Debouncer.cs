namespace EdgeGateway.Devices.Contacts;

/// <summary>Calls a settle step once the last edge has been quiet for the debounce time.</summary>
/// <remarks>
/// Two timings, one rule (settle at last edge + debounce). On <see cref="TimeProvider.System"/> a dedicated thread
/// waits for the deadline: the thread-pool timer behind <see cref="TimeProvider.CreateTimer"/> counts in the
/// coarse millisecond tick (4 ms steps on a 250 Hz kernel) and then waits for a pool thread, which puts several ms
/// and, under load, tens of ms between a settled press and the buzzer. Any other provider (FakeTimeProvider in tests,
/// a scenario clock in the demo) gets its own timer, so tests stay deterministic. See Contacts/README.md.
/// </remarks>
internal abstract class Debouncer : IDisposable
{
    /// <summary>The timing that suits <paramref name="time"/>: a dedicated thread on the system clock, its timer otherwise.</summary>
    public static Debouncer Create(TimeProvider time, TimeSpan debounce, Action settle, string sensorId) =>
        ReferenceEquals(time, TimeProvider.System)
            ? new DedicatedThreadDebouncer(time, debounce, settle, sensorId)
            : new TimerDebouncer(time, debounce, settle);

    /// <summary>The thread that waits for deadlines, or null when a timer does.</summary>
    public virtual Thread? TimingThread => null;

    /// <summary>An edge: restarts the quiet window. Called on the GPIO event thread, so it must be quick and must not throw.</summary>
    public abstract void Edge();

    /// <inheritdoc />
    public abstract void Dispose();

    private sealed class TimerDebouncer(TimeProvider time, TimeSpan debounce, Action settle) : Debouncer
    {
        private readonly ITimer _timer = time.CreateTimer(_ => settle(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        public override void Edge() => _timer.Change(debounce, Timeout.InfiniteTimeSpan);

        public override void Dispose() => _timer.Dispose();
    }

    private sealed class DedicatedThreadDebouncer : Debouncer
    {
        // Blocking waits wake up to ~1 ms late (millisecond timeouts, scheduler); the last stretch is spun instead.
        private static readonly TimeSpan SpinBelow = TimeSpan.FromMilliseconds(2);
        private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);

        private readonly TimeProvider _time;
        private readonly TimeSpan _debounce;
        private readonly Action _settle;
        private readonly Thread _thread;
        private readonly ManualResetEventSlim _edge = new(false, spinCount: 0);
        private readonly ManualResetEventSlim _stop = new(false, spinCount: 0);
        private long _lastEdge;
        private volatile bool _stopping;

        public DedicatedThreadDebouncer(TimeProvider time, TimeSpan debounce, Action settle, string sensorId)
        {
            _time = time;
            _debounce = debounce;
            _settle = settle;
            _thread = new Thread(Run, maxStackSize: 256 * 1024) { IsBackground = true, Name = $"debounce {sensorId}" };
            _thread.Start();
        }

        public override Thread? TimingThread => _thread;

        public override void Edge()
        {
            // The timestamp is the edge's time; the thread measures the quiet window from it, however late it wakes.
            if (_stopping)
            {
                return;
            }

            Volatile.Write(ref _lastEdge, _time.GetTimestamp());
            try
            {
                _edge.Set();
            }
            catch (ObjectDisposedException)
            {
                // An edge already in flight on the driver's thread while the input is disposed: nothing left to settle.
            }
        }

        private void Run()
        {
            // Between a press and the buzzer: this thread must run the moment its deadline comes (it sleeps otherwise).
            ThreadPriorities.TryRealtime(ThreadPriorities.AlarmPathRealtime, out _);
            while (true)
            {
                _edge.Wait();
                _edge.Reset();
                if (_stopping || !WaitUntilQuiet())
                {
                    return;
                }

                // An edge during the settle sets _edge again, so the next round waits out its window too.
                _settle();
            }
        }

        /// <summary>Waits until no edge has come for the debounce time; false when stopping.</summary>
        private bool WaitUntilQuiet()
        {
            while (!_stopping)
            {
                var remaining = _debounce - _time.GetElapsedTime(Volatile.Read(ref _lastEdge));
                if (remaining <= TimeSpan.Zero)
                {
                    return true;
                }

                if (remaining > SpinBelow)
                {
                    // Wake a millisecond early (the timeout is truncated to whole ms as well), then spin the rest; a
                    // very long debounce is waited out in steps, as Wait refuses more than int.MaxValue ms.
                    var wait = remaining - TimeSpan.FromMilliseconds(1);
                    _stop.Wait(wait < LongestWait ? wait : LongestWait);
                }
                else
                {
                    Thread.SpinWait(64);
                }
            }

            return false;
        }

        public override void Dispose()
        {
            _stopping = true;
            _stop.Set();
            _edge.Set();
            if (Thread.CurrentThread == _thread)
            {
                // Disposed from inside a sink: the loop ends when the settle returns.
                return;
            }

            // A sink that never returns keeps the thread: its events then stay undisposed so it cannot crash on them later.
            if (_thread.Join(JoinTimeout))
            {
                _edge.Dispose();
                _stop.Dispose();
            }
        }
    }
}
