using EdgeGateway.TechnicianConsole.Services;

namespace EdgeGateway.TechnicianConsole.Commands;

/// <summary>What a command may use of its session.</summary>
internal interface ICommandContext
{
    ConsoleServices Services { get; }

    TimeProvider Time { get; }

    ConsoleOptions Options { get; }

    bool Color { get; set; }

    string ActorName { get; }

    bool LogoutRequested { get; set; }

    Task WriteLineAsync(string text);

    Task ErrorAsync(string message);

    string Paint(string text, ConsoleColor color);

    void Audit(string action, string detail);
}
