using EdgeGateway.Core.Events;

namespace EdgeGateway.Demo;

/// <summary>Something the demo watches for: an event reaching the centre, or the centre's ack reaching the home.</summary>
internal readonly record struct Observation(CareEventKind Kind, bool IsAck)
{
    public static Observation Received(CareEventKind kind) => new(kind, false);

    public static Observation Acknowledged(CareEventKind kind) => new(kind, true);
}

/// <summary>One expected observation, described for the closing summary.</summary>
internal sealed record Expectation(string Description, Observation Observation);

/// <summary>One scripted action at an offset from the scenario's start; optionally waits for an expectation before going on.</summary>
internal sealed record ScenarioStep(TimeSpan At, string Description, Action<SimulatedHome> Act, Expectation? WaitFor = null);

/// <summary>A scripted story played against the simulated home.</summary>
internal sealed record Scenario(string Name, IReadOnlyList<ScenarioStep> Steps, IReadOnlyList<Expectation> Expectations)
{
    /// <summary>The resident walks out of the front door after midnight; the centre answers; the resident comes back in.</summary>
    public static Scenario NightExit()
    {
        var alarmAtCentre = new Expectation("night-exit alarm reaches the centre", Observation.Received(CareEventKind.NightExit));
        var ackAtHome = new Expectation("centre's acknowledgement reaches the home", Observation.Acknowledged(CareEventKind.NightExit));
        var clearedAtCentre = new Expectation("alarm-cleared reaches the centre", Observation.Received(CareEventKind.AlarmCleared));
        return new Scenario(
            "night exit",
            [
                new(TimeSpan.Zero, "23:58, the resident is asleep; all quiet", _ => { }),
                new(TimeSpan.FromMinutes(3), "00:01, the front door opens", h => h.SetFrontDoorOpen(true), ackAtHome),
                new(TimeSpan.FromMinutes(6), "00:04, the resident comes back in and the door closes", h => h.SetFrontDoorOpen(false), clearedAtCentre),
            ],
            [alarmAtCentre, ackAtHome, clearedAtCentre]);
    }
}

/// <summary>Collects observations and tells which expectations are still missing.</summary>
internal sealed class ExpectationTracker(IReadOnlyList<Expectation> expected)
{
    private readonly Lock _lock = new();
    private readonly HashSet<Observation> _seen = [];
    private readonly Dictionary<Observation, TaskCompletionSource> _waiters = [];

    public void Observe(Observation observation)
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            _seen.Add(observation);
            _waiters.Remove(observation, out waiter);
        }

        waiter?.TrySetResult();
    }

    public async Task WaitAsync(Expectation expectation, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task task;
        lock (_lock)
        {
            if (_seen.Contains(expectation.Observation))
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
            return expected.Where(e => !_seen.Contains(e.Observation)).ToList();
        }
    }
}
