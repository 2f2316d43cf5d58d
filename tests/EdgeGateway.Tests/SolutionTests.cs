using EdgeGateway.TestSupport;

namespace EdgeGateway.Tests;

/// <summary>The solution holds every project, so one <c>dotnet build -c Release</c> builds all of them alike and an IDE shows them all.</summary>
public sealed class SolutionTests
{
    [Fact]
    public async Task Every_project_under_src_tests_and_bench_is_in_the_solution()
    {
        var root = RepoRoot.Path;
        var onDisk = new[] { "src", "tests", "bench" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.csproj", SearchOption.AllDirectories))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

        // The SDK's own reading of the solution file, not a text match on it.
        var listed = await ListSolutionAsync(root);

        Assert.NotEmpty(onDisk);
        Assert.Equal(onDisk, listed);
    }

    private static async Task<List<string>> ListSolutionAsync(string root)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
        foreach (var a in new[] { "sln", "EdgeGateway.sln", "list" })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, $"dotnet sln list failed: {await stderr}");
        return (await stdout).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.EndsWith(".csproj", StringComparison.Ordinal))
            .Select(l => l.Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
