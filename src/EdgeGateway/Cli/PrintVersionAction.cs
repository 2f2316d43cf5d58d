using System.CommandLine;
using System.CommandLine.Invocation;
using EdgeGateway.Runtime;

namespace EdgeGateway.Cli;

/// <summary>Prints <see cref="VersionInfo.Text"/> for <c>--version</c>.</summary>
internal sealed class PrintVersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(VersionInfo.Text);
        return 0;
    }
}
