using EdgeGateway.Adapters;
using EdgeGateway.Configuration;
using EdgeGateway.Uplink.Commands;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Adapters;

public sealed class RemoteConfigCommandsTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("centre-configuration-").FullName;
    private readonly FakeTimeProvider _time = new(Start);

    private string Path => System.IO.Path.Combine(_dir, "config.json");

    private ConfigStore Open(int keepVersions = 20)
    {
        File.WriteAllText(Path, """{ "gateway_id": "home-1", "devices": { "contacts": [], "outputs": { "led_pin": 23 } }, "uplink": { "heartbeat_seconds": 60 } }""");
        return ConfigStore.Open(Path, _time, keepVersions: keepVersions);
    }

    [Fact]
    public void The_audit_of_a_centre_change_is_kept_as_fields_in_the_store_and_in_the_history()
    {
        var store = Open();
        var centre = new RemoteConfigCommands(store);
        var applied = centre.Apply(new Dictionary<string, string?> { ["uplink.heartbeat_seconds"] = "30" }, null, new ConfigAudit("nurse-1", Start, "centre command c-7", "night shift"));
        Assert.True(applied.Applied);

        var stored = store.History(1)[0];
        Assert.Equal(("nurse-1", "centre command c-7", "night shift", "apply"), (stored.Actor, stored.Via, stored.Reason, stored.Action));
        Assert.Equal("nurse-1 via centre command c-7 (night shift)", stored.Author);

        // Read back by a new process: the fields come from the history file, not from one string parsed apart.
        var entry = new RemoteConfigCommands(ConfigStore.Open(Path, _time)).History(1)[0];
        Assert.Equal(new ConfigAudit("nurse-1", Start, "centre command c-7", "night shift"), entry.Audit);

        var rolled = centre.Rollback(1, new ConfigAudit("nurse-2", Start, "centre command c-8", null));
        Assert.True(rolled.Applied);
        Assert.Equal(("nurse-2", "centre command c-8", null), (store.History(1)[0].Actor, store.History(1)[0].Via, store.History(1)[0].Reason));
    }

    [Fact]
    public void A_rollback_to_a_version_no_longer_kept_is_not_found_by_the_kind_of_refusal_and_other_refusals_stay_rejections()
    {
        var store = Open(keepVersions: 2);
        var centre = new RemoteConfigCommands(store);
        var audit = new ConfigAudit("nurse-1", Start, "centre command c-1", null);
        Assert.True(centre.Apply(new Dictionary<string, string?> { ["uplink.heartbeat_seconds"] = "30" }, null, audit).Applied);
        Assert.True(centre.Apply(new Dictionary<string, string?> { ["uplink.heartbeat_seconds"] = "20" }, null, audit).Applied);

        var pruned = Assert.Throws<ConfigRejectedException>(() => store.Rollback("technician", 1));
        Assert.Equal(ConfigRejection.UnknownVersion, pruned.Reason);
        Assert.Equal(CommandErrorCodes.NotFound, centre.Rollback(1, audit).ErrorCode);

        var same = Assert.Throws<ConfigRejectedException>(() => store.Rollback("technician", 3));
        Assert.Equal(ConfigRejection.AlreadyApplied, same.Reason);
        Assert.Equal(CommandErrorCodes.Rejected, centre.Rollback(3, audit).ErrorCode);
    }

    [Fact]
    public void The_centre_sees_the_same_dotted_keys_as_the_diff_including_an_empty_list()
    {
        var store = Open();
        var values = new RemoteConfigCommands(store).Current().Values;
        Assert.Equal(ConfigDiff.Flatten(store.Current), values);
        Assert.Equal("[]", values["devices.contacts"]);
        Assert.Equal("23", values["devices.outputs.led_pin"]);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
