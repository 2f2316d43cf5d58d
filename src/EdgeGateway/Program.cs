using System.CommandLine;
using EdgeGateway.Cli;
using EdgeGateway.Falls;

var root = new RootCommand("EdgeGateway: home safety gateway for people who live alone.")
{
    DemoCommand.Create(),
    RunCommand.Create(),
    CentralCommand.Create(),
    LoadgenCommand.Create(),
    FallCommands.Create(),
    PinHashCommand.Create(),
};

// Print the commit beside the version: a technician reporting a fault needs the exact build.
foreach (var option in root.Options)
{
    if (option is VersionOption version)
    {
        version.Action = new PrintVersionAction();
    }
}

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
