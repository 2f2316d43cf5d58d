namespace EdgeGateway.Runtime;

/// <summary>Wraps an output so each change of pattern is announced (console, demo view) after the real output was driven.</summary>
internal abstract class NotifyingOutput<TPattern>(Func<TPattern> read, Action<TPattern> write)
    where TPattern : struct, Enum
{
    public event Action<TPattern>? Changed;

    public TPattern Pattern => read();

    public void Set(TPattern pattern)
    {
        var before = read();
        write(pattern);
        if (!EqualityComparer<TPattern>.Default.Equals(before, pattern))
        {
            Changed?.Invoke(pattern);
        }
    }
}
