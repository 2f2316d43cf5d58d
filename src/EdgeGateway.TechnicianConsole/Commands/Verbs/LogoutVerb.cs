using static EdgeGateway.TechnicianConsole.Commands.VerbArguments;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary><c>logout</c>: back to the PIN prompt; staged config changes stay staged.</summary>
internal sealed class LogoutVerb(ICommandContext ctx) : IConsoleVerb
{
    /// <inheritdoc />
    public VerbHelp Help { get; } = new(
        "logout",
        "logout",
        "end the session",
        "The console goes back to the PIN prompt.");

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 0, 0, "logout");
        ctx.Audit("logout", "by the technician");
        ctx.LogoutRequested = true;
        var staged = ctx.Services.Config.HasStagedChanges ? " (staged config changes are kept, not applied)" : string.Empty;
        await ctx.WriteLineAsync($"logged out{staged}").ConfigureAwait(false);
    }
}
