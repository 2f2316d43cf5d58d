using System.Text.Json.Nodes;
using EdgeGateway.Adapters;
using EdgeGateway.Configuration;
using EdgeGateway.Demo;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.Uplink.Commands;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Configuration;

/// <summary>The PIN hash through the real store and file, as the console's editor and the centre's config adapter show it.</summary>
public sealed class ConfigSecretsTests : IDisposable
{
    private static readonly string Old = PinHash.Create("2468", 1000).ToString();
    private static readonly string Typed = PinHash.Create("1357", 1000).ToString();
    private static readonly string FromCentre = PinHash.Create("9753", 1000).ToString();
    private readonly string _dir = Directory.CreateTempSubdirectory("config-secrets-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    private string ConfigFile => Path.Combine(_dir, "config.json");

    private static ConfigAudit Audit => new("nurse-1", DateTimeOffset.UnixEpoch, "centre command c1", "new PIN");

    private void WriteConfig()
    {
        var config = SimulatedHome.Config(TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"), Path.Combine(_dir, "data"));
        config.Console.PinHash = Old;
        File.WriteAllText(ConfigFile, config.ToJson());
    }

    private static void AssertNoHash(IEnumerable<string> lines, string where) => PinHashLeaks.AssertNone(string.Join("\n", lines), where, Old, Typed, FromCentre);

    [Fact]
    public void The_pin_hash_is_shown_as_secret_by_the_console_and_the_centre_yet_both_can_replace_it()
    {
        WriteConfig();
        var store = GatewayConfigStore.Open(ConfigFile, _time);
        var editor = new ConsoleConfigEditor(store);
        var centre = new RemoteConfigCommands(store);

        var show = editor.Show().Lines;
        AssertNoHash(show, "config show");
        Assert.Contains(show, l => l.Contains("\"pin_hash\": \"(secret)\"", StringComparison.Ordinal));
        Assert.Equal("console.pin_hash = \"(secret)\"", Assert.Single(editor.Get("console.pin_hash").Lines));
        AssertNoHash(editor.Get("console").Lines, "config get console");
        var staged = editor.Set("console.pin_hash", Typed, "technician");
        Assert.True(staged.Ok);
        AssertNoHash(staged.Lines, "config set");
        Assert.Equal("~ console.pin_hash: \"(secret)\" -> \"(secret)\"", Assert.Single(editor.Diff().Lines));
        Assert.True(editor.Apply("technician").Ok);
        Assert.Equal(Typed, store.Current["console"]!["pin_hash"]!.GetValue<string>());
        AssertNoHash(editor.History(10).Lines, "config history");

        var snapshot = centre.Current();
        Assert.Equal("\"(secret)\"", snapshot.Values["console.pin_hash"]);
        Assert.Equal($"\"{SimulatedHome.GatewayId}\"", snapshot.Values["gateway_id"]);
        var applied = centre.Apply(new Dictionary<string, string?> { ["console.pin_hash"] = FromCentre }, ifVersion: 2, Audit);
        Assert.True(applied.Applied, string.Join("; ", applied.Problems));
        Assert.Equal(FromCentre, store.Current["console"]!["pin_hash"]!.GetValue<string>());
        var entry = centre.History(1).Single();
        Assert.Equal(new ConfigValueChange("\"(secret)\"", "\"(secret)\""), entry.Changes["console.pin_hash"]);

        // The history file is only on the gateway, but it is read back for every history reply: it holds no hash either.
        AssertNoHash([File.ReadAllText(ConfigFile + ".history")], "config.json.history");
    }

    [Fact]
    public void A_history_written_before_the_hash_was_listed_as_secret_is_masked_when_read()
    {
        WriteConfig();
        var unmasked = ConfigStore.Open(ConfigFile, _time);
        var draft = unmasked.CreateDraft();
        draft.Set("console.pin_hash", Typed);
        unmasked.Apply(draft, "technician");
        Assert.Contains(PinHashLeaks.Fragments(Typed)[0], File.ReadAllText(ConfigFile + ".history"), StringComparison.Ordinal);

        var store = GatewayConfigStore.Open(ConfigFile, _time);
        AssertNoHash(new ConsoleConfigEditor(store).History(10).Lines, "config history");
        var change = new RemoteConfigCommands(store).History(10)[0].Changes["console.pin_hash"];
        Assert.Equal(new ConfigValueChange("\"(secret)\"", "\"(secret)\""), change);
    }

    [Fact]
    public void A_removal_is_refused_naming_the_key_as_the_real_store_has_no_defaults_to_restore()
    {
        WriteConfig();
        var store = GatewayConfigStore.Open(ConfigFile, _time);
        var before = File.ReadAllText(ConfigFile);
        var result = new RemoteConfigCommands(store).Apply(new Dictionary<string, string?> { ["uplink.heartbeat_seconds"] = null }, null, Audit);
        Assert.False(result.Applied);
        Assert.Equal(CommandErrorCodes.Rejected, result.ErrorCode);
        Assert.Equal("uplink.heartbeat_seconds", Assert.Single(result.Problems).Path);
        Assert.Equal(before, File.ReadAllText(ConfigFile));
        Assert.Equal(1, store.Version);
    }

    [Fact]
    public void Every_secret_key_is_a_key_of_the_config_model()
    {
        foreach (var key in GatewayConfig.Secrets.Keys)
        {
            var root = new JsonObject();
            var node = root;
            var segments = key.Split('.');
            foreach (var segment in segments[..^1])
            {
                node = (JsonObject)(node[segment] = new JsonObject());
            }

            node[segments[^1]] = "x";
            _ = GatewayConfig.Parse(root.ToJsonString(), key);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
