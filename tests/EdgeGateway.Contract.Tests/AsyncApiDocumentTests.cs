using System.Diagnostics;
using System.Text.RegularExpressions;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Contract.Tests;

/// <summary>docs/asyncapi.yaml is valid under the official AsyncAPI parser (tests/asyncapi/validate.mjs) and agrees with the contract validator.</summary>
public sealed partial class AsyncApiDocumentTests
{
    private static readonly string DocsDirectory = Path.GetFullPath(Path.Combine(ContractValidator.SchemaDirectory, ".."));
    private static readonly string CheckerDirectory = Path.GetFullPath(Path.Combine(DocsDirectory, "..", "tests", "asyncapi"));

    [Fact]
    public async Task The_document_passes_the_official_parser_without_errors()
    {
        var (exit, output) = await CheckAsync(Path.Combine(DocsDirectory, "asyncapi.yaml"));
        Assert.True(exit == 0, $"@asyncapi/parser reports errors in docs/asyncapi.yaml:\n{output}");
        Assert.Contains("asyncapi.yaml: 0 errors", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_check_fails_on_an_operation_binding_given_as_a_reference()
    {
        // The mistake the document used to make: a $ref where the spec allows only an inline MQTT binding.
        var dir = Directory.CreateTempSubdirectory("asyncapi-broken-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "schemas"));
            foreach (var schema in Directory.GetFiles(ContractValidator.SchemaDirectory, "*.json"))
            {
                File.Copy(schema, Path.Combine(dir, "schemas", Path.GetFileName(schema)));
            }

            var good = await File.ReadAllTextAsync(Path.Combine(DocsDirectory, "asyncapi.yaml"));
            var broken = good.Replace(
                "    bindings:\n      $ref: '#/components/operationBindings/qos1'\n",
                "    bindings:\n      mqtt:\n        $ref: '#/components/operationBindings/qos1'\n",
                StringComparison.Ordinal);
            Assert.NotEqual(good, broken);
            await File.WriteAllTextAsync(Path.Combine(dir, "asyncapi.yaml"), broken);

            var (exit, output) = await CheckAsync(Path.Combine(dir, "asyncapi.yaml"));
            Assert.Equal(1, exit);
            Assert.Contains("Referencing in this place is not allowed", output, StringComparison.Ordinal);
            Assert.DoesNotContain(" 0 errors", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Every_channel_of_the_document_has_a_schema_in_the_validator()
    {
        var addresses = AddressLine().Matches(File.ReadAllText(Path.Combine(DocsDirectory, "asyncapi.yaml"))).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("edgegateway/v1/{gatewayId}/status/primary", addresses);
        Assert.Contains("edgegateway/v1/{gatewayId}/status/secondary", addresses);
        foreach (var address in addresses)
        {
            var topic = address.Replace("{gatewayId}", "home-7", StringComparison.Ordinal);
            var schema = ContractValidator.SchemaForTopic(topic);
            Assert.True(File.Exists(ContractValidator.FileOf(schema)), $"{address}: no schema file for {schema}");
        }
    }

    private static async Task<(int Exit, string Output)> CheckAsync(string document)
    {
        if (!Directory.Exists(Path.Combine(CheckerDirectory, "node_modules", "@asyncapi", "parser")))
        {
            // test.sh installs it first; a bare `dotnet test` installs the pinned version itself.
            var (ci, log) = await RunAsync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
            Assert.True(ci == 0, $"npm ci in tests/asyncapi failed:\n{log}");
        }

        return await RunAsync("node", [Path.Combine(CheckerDirectory, "validate.mjs"), document], TimeSpan.FromMinutes(2));
    }

    private static async Task<(int Exit, string Output)> RunAsync(string program, string[] args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(program, args)
        {
            WorkingDirectory = CheckerDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not exit within {timeout}: {await stdout} {await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"^\s+address:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AddressLine();
}
