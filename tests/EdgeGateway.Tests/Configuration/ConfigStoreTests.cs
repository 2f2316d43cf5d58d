using EdgeGateway.Configuration;
using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Configuration;

public sealed class ConfigStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("config-store-").FullName;

    private string Path => System.IO.Path.Combine(_dir, "config.json");

    [Fact]
    public void History_and_versions_survive_a_restart_and_rollback_restores_an_older_version_as_a_new_one()
    {
        File.WriteAllText(Path, """
            {
              // comments are allowed in a hand-written file
              "gateway_id": "home-1",
              "uplink": { "heartbeat_seconds": 60 }
            }
            """);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        var store = ConfigStore.Open(Path, time);
        var draft = store.CreateDraft();
        draft.Set("uplink.heartbeat_seconds", "30");
        var v2 = store.Apply(draft, "technician");
        Assert.Equal(2, v2.Version);

        // A new process opens the same files: nothing is lost or unreadable.
        var reopened = ConfigStore.Open(Path, time);
        Assert.Equal(2, reopened.Version);
        Assert.Equal(2, reopened.History(10).Count);
        Assert.Equal("30", reopened.Current["uplink"]!["heartbeat_seconds"]!.ToJsonString());

        var v3 = reopened.Rollback("technician", 1);
        Assert.Equal(3, v3.Version);
        Assert.Equal("60", ConfigStore.Open(Path, time).Current["uplink"]!["heartbeat_seconds"]!.ToJsonString());
    }

    [Fact]
    public void A_rejected_edit_changes_nothing_on_disk()
    {
        File.WriteAllText(Path, """{ "gateway_id": "home-1" }""");
        var time = new FakeTimeProvider();
        var store = ConfigStore.Open(Path, time, [c => c["gateway_id"]!.GetValue<string>() == "bad" ? [new ConfigIssue(ConfigKey.Of("gateway_id"), "bad id")] : []]);
        var before = File.ReadAllText(Path);
        var draft = store.CreateDraft();
        draft.Set("gateway_id", "bad");
        var ex = Assert.Throws<ConfigRejectedException>(() => store.Apply(draft, "technician"));
        Assert.Equal("gateway_id", Assert.Single(ex.Issues).Path);
        Assert.Equal(before, File.ReadAllText(Path));
        Assert.Equal(1, ConfigStore.Open(Path, time).Version);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
