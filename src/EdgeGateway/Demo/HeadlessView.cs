namespace EdgeGateway.Demo;

/// <summary>Plain lines for scripts and tests: <c>HH:mm:ss category text</c>.</summary>
internal sealed class HeadlessView(TextWriter output) : IDemoView
{
    private readonly Lock _lock = new();

    public void Show(DateTimeOffset localTime, string category, string text)
    {
        lock (_lock)
        {
            output.WriteLine($"{localTime:HH:mm:ss} {category,-8} {text}");
            output.Flush();
        }
    }
}
