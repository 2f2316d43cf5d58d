namespace EdgeGateway.Centre;

/// <summary>A bounded set of recently seen ids for de-duplication; the oldest id is forgotten first.</summary>
internal sealed class RecentIds(int capacity)
{
    private readonly HashSet<Guid> _set = new(capacity);
    private readonly Queue<Guid> _order = new(capacity);
    private readonly Lock _lock = new();

    /// <summary>Adds <paramref name="id"/>; false when it was already there.</summary>
    public bool Add(Guid id)
    {
        lock (_lock)
        {
            if (!_set.Add(id))
            {
                return false;
            }

            _order.Enqueue(id);
            if (_order.Count > capacity)
            {
                _set.Remove(_order.Dequeue());
            }

            return true;
        }
    }
}
