using Spectre.Console;

namespace EdgeGateway.Demo;

/// <summary>The interactive view: coloured by who is talking (home, gateway, uplink, centre).</summary>
internal sealed class SpectreView(IAnsiConsole console) : IDemoView
{
    private readonly Lock _lock = new();

    public void Show(DateTimeOffset localTime, string category, string text)
    {
        var colour = category switch
        {
            "sensor" => "deepskyblue1",
            "buzzer" or "led" => "orange1",
            "alarm" => "red bold",
            "uplink" => "grey",
            "central" => "green",
            "ack" => "green bold",
            "scenario" => "yellow",
            _ => "white",
        };
        lock (_lock)
        {
            console.MarkupLine($"[grey]{localTime:HH:mm:ss}[/] [{colour}]{Markup.Escape(category),-8}[/] {Markup.Escape(text)}");
        }
    }
}
