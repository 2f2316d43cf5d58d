namespace EdgeGateway.TestSupport;

/// <summary>The checkout the tests run from: the folder above the test binaries that holds <c>EdgeGateway.sln</c>.</summary>
public static class RepoRoot
{
    /// <summary>The repository's root folder.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "EdgeGateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"EdgeGateway.sln not found above {AppContext.BaseDirectory}");
    }
}
