namespace EdgeGateway.TechnicianConsole.Commands;

/// <summary>One console command word (with its subcommands): the help it shows and what it does.</summary>
internal interface IConsoleVerb
{
    /// <summary>The word, usage and explanation <c>help</c> shows.</summary>
    VerbHelp Help { get; }

    /// <summary>Checks <paramref name="args"/> and runs; a bad line throws a <see cref="CommandUsageException"/>.</summary>
    Task RunAsync(IReadOnlyList<string> args, CancellationToken ct);
}
