using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Commands;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeGateway.Uplink.Tests.Commands;

/// <summary>Issue 27: what a command may claim is bounded by the gateway's own monotonic time, and a full window never refuses.</summary>
public sealed class CommandReplayWindowTests : IDisposable
{
    private static readonly DateTimeOffset Year9999 = new(9999, 12, 31, 23, 59, 59, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(CommandRig.Start);
    private readonly string _dir = Directory.CreateTempSubdirectory("eg-window-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void With_the_clock_unsynchronised_a_year_9999_expiry_is_kept_for_the_horizon_of_monotonic_time_only()
    {
        using var window = new CommandReplayWindow(_time, horizon: TimeSpan.FromMinutes(15));
        Assert.True(window.TryRemember("far", Year9999, clockSynchronised: false, out _));

        _time.Advance(TimeSpan.FromMinutes(14));
        Assert.False(window.TryRemember("far", Year9999, clockSynchronised: false, out var refusal));
        Assert.Contains("already accepted", refusal, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.False(window.Contains("far"));
        Assert.True(window.TryRemember("next", Year9999, clockSynchronised: false, out _));
        Assert.Equal(1, window.Count);
    }

    [Fact]
    public void With_the_clock_synchronised_an_id_is_kept_until_its_command_expires()
    {
        using var window = new CommandReplayWindow(_time);
        Assert.True(window.TryRemember("a", CommandRig.Start.AddMinutes(2), clockSynchronised: true, out _));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(window.Contains("a"));
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.False(window.Contains("a"));
    }

    [Fact]
    public void A_full_window_never_refuses_a_command_it_forgets_the_id_nearest_its_deadline()
    {
        using var window = new CommandReplayWindow(_time, capacity: 3);
        Assert.True(window.TryRemember("soon", CommandRig.Start.AddMinutes(1), clockSynchronised: true, out _));
        Assert.True(window.TryRemember("later", CommandRig.Start.AddMinutes(10), clockSynchronised: true, out _));
        Assert.True(window.TryRemember("far", Year9999, clockSynchronised: false, out _));

        Assert.True(window.TryRemember("ack", CommandRig.Start.AddMinutes(5), clockSynchronised: true, out _));

        Assert.Equal(1, window.Evicted);
        Assert.False(window.Contains("soon"));
        Assert.All(new[] { "later", "far", "ack" }, id => Assert.True(window.Contains(id), id));
    }

    [Fact]
    public void Ten_thousand_far_future_ids_leave_the_window_at_its_capacity_and_the_next_command_accepted()
    {
        using var window = new CommandReplayWindow(_time);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(window.TryRemember($"flood-{i}", Year9999, clockSynchronised: false, out _));
        }

        Assert.True(window.TryRemember("nurse-ack", CommandRig.Start.AddMinutes(5), clockSynchronised: false, out _));
        Assert.Equal(4096, window.Count);
        Assert.True(window.Contains("nurse-ack"));
    }

    [Fact]
    public void A_restart_keeps_each_id_for_what_was_left_of_its_time_and_clamps_an_old_files_year_9999_to_the_horizon()
    {
        var path = Path.Combine(_dir, "seen-commands");

        // The file as the old window wrote it: the claimed expiry in Unix milliseconds, here year 9999.
        File.WriteAllText(path, $"old\t{Year9999.ToUnixTimeMilliseconds()}\nnot a line\n");
        using (var window = new CommandReplayWindow(_time, path: path))
        {
            Assert.Equal(1, window.SkippedLines);
            Assert.True(window.TryRemember("a", CommandRig.Start.AddMinutes(2), clockSynchronised: true, out _));
        }

        // A new process: its monotonic clock starts elsewhere; the wall clock does not matter.
        var after = new FakeTimeProvider(new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var restarted = new CommandReplayWindow(after, path: path);
        Assert.True(restarted.Contains("a"));
        Assert.True(restarted.Contains("old"));
        Assert.False(restarted.TryRemember("a", Year9999, clockSynchronised: false, out _));

        after.Advance(TimeSpan.FromMinutes(3));
        Assert.False(restarted.Contains("a"));
        Assert.True(restarted.Contains("old"));
        after.Advance(TimeSpan.FromMinutes(13));
        Assert.False(restarted.Contains("old"));
    }

    [Fact]
    public void Under_a_flood_the_file_is_rewritten_at_most_once_a_second_and_the_last_ids_by_the_timer()
    {
        var path = Path.Combine(_dir, "seen-commands");
        using var window = new CommandReplayWindow(_time, path: path);
        Assert.True(window.TryRemember("1", Year9999, clockSynchronised: false, out _));
        Assert.True(window.TryRemember("2", Year9999, clockSynchronised: false, out _));
        Assert.Single(File.ReadAllLines(path));

        _time.Advance(CommandReplayWindow.PersistEvery);
        Assert.Equal(["1", "2"], File.ReadAllLines(path).Select(l => l.Split('\t')[0]).Order());
    }
}

/// <summary>Issue 27: a sender over its allowance is dropped, and alarm commands are never limited and go first.</summary>
public sealed class CommandIntakeTests(ITestOutputHelper output) : IDisposable
{
    private readonly StrictLogs _logs = new(output);

    public void Dispose() => _logs.Dispose();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Year9999 = new(9999, 12, 31, 23, 59, 59, TimeSpan.Zero);

    private static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    [Fact]
    public async Task A_flooding_sender_is_dropped_with_one_refusal_and_an_alarm_acknowledge_under_its_name_still_goes_through()
    {
        var rig = new CommandRig(clockSynced: false);
        var alarm = Guid.CreateVersion7();
        rig.Alarms.States[alarm] = "raised";
        var replies = new OrderedReplies();
        await using var intake = new CommandIntake(
            new CommandHandler(rig.Processor, replies, _logs.Logger),
            rig.Time,
            _logs.Logger,
            new CommandIntakeOptions { PerSenderPerSecond = 1, PerSenderBurst = 5 });

        var taken = Enumerable.Range(0, 100)
            .Count(i => intake.Offer(Bytes(CommandRig.Command(CommandTypes.StatusRequest, id: $"flood-{i}", expires: Year9999, by: "rogue"))));
        Assert.True(intake.Offer(Bytes(CommandRig.Command(CommandTypes.AlarmAcknowledge, new { alarm }, id: "ack", expires: Year9999, by: "rogue"))));

        Assert.Equal(5, taken);
        Assert.Equal(95, intake.Dropped);
        await Eventually.UntilAsync(() => replies.Ids.Contains("ack") && replies.Ids.Count == 7, Patience, () => $"replies: {string.Join(", ", replies.Ids)}");
        Assert.Equal([("ack", alarm, "rogue")], rig.Alarms.Calls);
        var refused = Assert.Single(replies.All, r => r.GetProperty("status").GetString() != "ok");
        Assert.Equal("refused", refused.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("commands per second", refused.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.All(replies.All, r => ContractValidator.AssertValid(ContractSchema.CommandReply, r.GetRawText()));

        // The allowance comes back with time; other senders were never affected.
        Assert.True(intake.Offer(Bytes(CommandRig.Command(CommandTypes.StatusRequest, by: "nurse-anna"))));
        Assert.False(intake.Offer(Bytes(CommandRig.Command(CommandTypes.StatusRequest, by: "rogue"))));
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(intake.Offer(Bytes(CommandRig.Command(CommandTypes.StatusRequest, by: "rogue"))));
    }

    [Fact]
    public async Task Alarm_commands_are_carried_out_before_other_commands_queued_ahead_of_them()
    {
        var rig = new CommandRig();
        var alarm = Guid.CreateVersion7();
        rig.Alarms.States[alarm] = "raised";
        using var hold = new ManualResetEventSlim(false);
        rig.TestAlarm.Hold = hold;
        var replies = new OrderedReplies();
        await using var intake = new CommandIntake(new CommandHandler(rig.Processor, replies, _logs.Logger), rig.Time, _logs.Logger);

        // The one worker is busy with a test alarm while the others queue up behind it.
        Assert.True(intake.Offer(Bytes(CommandRig.Command(CommandTypes.AlarmTest, id: "test"))));
        await Eventually.UntilAsync(() => rig.TestAlarm.Sent.Count == 1, Patience);
        for (var i = 0; i < 20; i++)
        {
            Assert.True(intake.Offer(Bytes(CommandRig.Command(CommandTypes.StatusRequest, id: $"status-{i}"))));
        }

        Assert.True(intake.Offer(Bytes(CommandRig.Command(CommandTypes.AlarmAcknowledge, new { alarm }, id: "ack"))));
        hold.Set();

        await Eventually.UntilAsync(() => replies.Ids.Count == 22, Patience, () => $"replies: {string.Join(", ", replies.Ids)}");
        Assert.Equal(["test", "ack", "status-0"], replies.Ids.Take(3));
    }

    private sealed class OrderedReplies : ICommandReplyPublisher
    {
        private readonly ConcurrentQueue<JsonElement> _replies = new();

        public IReadOnlyList<JsonElement> All => [.. _replies];

        public IReadOnlyList<string?> Ids => [.. _replies.Select(r => r.GetProperty("command").GetString())];

        public Task PublishReplyAsync(ReadOnlyMemory<byte> reply, CancellationToken cancellationToken)
        {
            using var doc = JsonDocument.Parse(reply);
            _replies.Enqueue(doc.RootElement.Clone());
            return Task.CompletedTask;
        }
    }
}
