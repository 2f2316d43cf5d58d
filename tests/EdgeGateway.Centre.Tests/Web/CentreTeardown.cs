namespace EdgeGateway.Centre.Tests.Web;

/// <summary>The one teardown of the web tests' centre: its parts stopped in the order given, then the test's folder removed.</summary>
internal static class CentreTeardown
{
    /// <summary>Disposes each part that was started (null: never started), in order, then deletes <paramref name="dir"/>.</summary>
    public static async Task RunAsync(string dir, params IAsyncDisposable?[] parts)
    {
        foreach (var part in parts)
        {
            if (part is not null)
            {
                await part.DisposeAsync();
            }
        }

        // SQLite keeps pooled connections open on the archive's file, which would hold the folder.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }
}
