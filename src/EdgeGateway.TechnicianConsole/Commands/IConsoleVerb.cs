namespace EdgeGateway.TechnicianConsole.Commands;

/// <summary>One console command word (with its subcommands): the help text it shows and what it does.</summary>
internal interface IConsoleVerb
{
    /// <summary>The word the technician types, e.g. <c>config</c>.</summary>
    string Name { get; }

    /// <summary>The usage line <c>help CMD</c> shows.</summary>
    string Usage { get; }

    /// <summary>The one line <c>help</c> shows beside the name.</summary>
    string Summary { get; }

    /// <summary>The explanation under <c>help CMD</c>'s usage; lines separated by '\n'.</summary>
    string Details { get; }

    /// <summary>Checks <paramref name="args"/> and runs; a bad line throws a <see cref="CommandUsageException"/>.</summary>
    Task RunAsync(IReadOnlyList<string> args, CancellationToken ct);
}
