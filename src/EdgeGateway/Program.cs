using System.CommandLine;
using EdgeGateway.Cli;
using EdgeGateway.Runtime;

// An exception no code caught ends the process; its first line (what, and where it was thrown) goes out before the
// runtime's own report, so a technician reading journald sees the cause and not only the tail of a stack trace.
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    if (e.ExceptionObject is Exception ex)
    {
        Console.Error.WriteLine($"edgegateway: unhandled: {Teardown.Describe(ex)}");
    }
};

var root = new RootCommand("EdgeGateway: home safety gateway for people who live alone.")
{
    DemoCommand.Create(),
    RunCommand.Create(),
    CentralCommand.Create(),
    LoadgenCommand.Create(),
    FallCommands.Create(),
    PinHashCommand.Create(),
    ReleaseCommands.Create(),
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
