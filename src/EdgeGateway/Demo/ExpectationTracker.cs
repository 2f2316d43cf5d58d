namespace EdgeGateway.Demo;

/// <summary>Collects observations and tells which expectations are still missing.</summary>
internal sealed class ExpectationTracker(IReadOnlyList<Expectation> expected)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Observation, int> _seen = [];
    private readonly List<string> _failedChecks = [];
    private readonly Dictionary<Observation, TaskCompletionSource> _waiters = [];

    public void Observe(Observation observation)
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            _seen[observation] = _seen.GetValueOrDefault(observation) + 1;
            _waiters.Remove(observation, out waiter);
        }

        waiter?.TrySetResult();
    }

    public async Task WaitAsync(Expectation expectation, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task task;
        lock (_lock)
        {
            if (_seen.ContainsKey(expectation.Observation))
            {
                return;
            }

            if (!_waiters.TryGetValue(expectation.Observation, out var tcs))
            {
                tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add(expectation.Observation, tcs);
            }

            task = tcs.Task;
        }

        try
        {
            await task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Reported as missing in the summary.
        }
    }

    /// <summary>How often <paramref name="observation"/> was seen.</summary>
    public int CountOf(Observation observation)
    {
        lock (_lock)
        {
            return _seen.GetValueOrDefault(observation);
        }
    }

    /// <summary>Records a scripted check; a false one makes the run fail.</summary>
    public bool Check(string description, bool passed)
    {
        if (!passed)
        {
            lock (_lock)
            {
                _failedChecks.Add(description);
            }
        }

        return passed;
    }

    /// <summary>The checks that failed.</summary>
    public IReadOnlyList<string> FailedChecks()
    {
        lock (_lock)
        {
            return [.. _failedChecks];
        }
    }

    public async Task WaitAllAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        foreach (var e in expected)
        {
            await WaitAsync(e, timeout, cancellationToken).ConfigureAwait(false);
        }
    }

    public IReadOnlyList<Expectation> Missing()
    {
        lock (_lock)
        {
            return expected.Where(e => !_seen.ContainsKey(e.Observation)).ToList();
        }
    }
}
