using System.Collections.Concurrent;

namespace EdgeGateway.Centre.Operators;

/// <summary>Where a test alarm's event meets the nurse's test waiting for it, whichever comes first.</summary>
internal sealed class TestArrivals
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<DateTimeOffset>> _tests = new();

    /// <summary>The test event <paramref name="id"/> was stored at <paramref name="at"/>.</summary>
    public void Arrived(Guid id, DateTimeOffset at)
    {
        Of(id).TrySetResult(at);
        if (_tests.Count > 1000)
        {
            _tests.Clear();
        }
    }

    /// <summary>Completes when the test event <paramref name="id"/> is stored (or already was); <see cref="Forget"/> it afterwards.</summary>
    public Task<DateTimeOffset> Expect(Guid id) => Of(id).Task;

    /// <summary>The test of <paramref name="id"/> is over.</summary>
    public void Forget(Guid id) => _tests.TryRemove(id, out _);

    private TaskCompletionSource<DateTimeOffset> Of(Guid id) =>
        _tests.GetOrAdd(id, _ => new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously));
}
