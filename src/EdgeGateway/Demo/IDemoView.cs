namespace EdgeGateway.Demo;

/// <summary>Where the demo tells what happens: one line per happening, plain or coloured.</summary>
internal interface IDemoView
{
    void Show(DateTimeOffset localTime, string category, string text);
}
