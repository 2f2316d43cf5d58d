using EdgeGateway.TestSupport;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Uplink.Tests;

/// <summary>The test logger fails a test on an error nobody declared, also one logged on another thread, and on nothing else.</summary>
public sealed partial class StrictLogsTests
{
    [Fact]
    public void An_unexpected_error_fails_at_the_end_and_names_the_entry()
    {
        var logs = new StrictLogs();
        LogReplyLost(logs.Logger, "cmd-1", "broker gone");

        var failure = Assert.Throws<UnexpectedErrorLoggedException>(logs.Dispose);
        Assert.Contains("Error test[3702]: Reply to command cmd-1 could not be published (broker gone)", failure.Message, StringComparison.Ordinal);
        Assert.Throws<UnexpectedErrorLoggedException>(logs.AssertNoUnexpectedErrors);
    }

    [Fact]
    public void A_critical_entry_fails_too()
    {
        var logs = new StrictLogs();
        var outbox = logs.CreateLogger("outbox");
        LogDiskGone(outbox);
        Assert.Throws<UnexpectedErrorLoggedException>(logs.AssertNoUnexpectedErrors);
    }

    [Fact]
    public async Task An_error_logged_on_a_background_thread_fails_at_the_end()
    {
        var logs = new StrictLogs();
        await Task.Run(() => LogReplyLost(logs.Logger, "cmd-2", "timeout"));
        Assert.Single(logs.UnexpectedErrors);
        Assert.Throws<UnexpectedErrorLoggedException>(logs.Dispose);
    }

    [Fact]
    public void An_error_declared_by_event_id_or_by_category_passes_and_stays_recorded()
    {
        var logs = new StrictLogs().Expect(3702).Expect(category: "EdgeGateway.Uplink.Tests.StrictLogsTests");
        LogReplyLost(logs.Logger, "cmd-3", "broker gone");
        LogReplyLost(logs.For<StrictLogsTests>(), "cmd-4", "broker gone");
        LogOtherError(logs.For<StrictLogsTests>());

        logs.Dispose();
        Assert.Equal(3, logs.Entries.Count);
        Assert.Empty(logs.UnexpectedErrors);
    }

    [Fact]
    public void An_expectation_of_id_and_category_lets_only_that_pair_through()
    {
        var logs = new StrictLogs().Expect(3702, "uplink");
        LogReplyLost(logs.CreateLogger("uplink"), "cmd-5", "broker gone");
        LogReplyLost(logs.CreateLogger("centre"), "cmd-6", "broker gone");
        Assert.Equal("centre", Assert.Single(logs.UnexpectedErrors).Category);
        Assert.Throws<ArgumentException>(() => logs.Expect());
    }

    [Fact]
    public void Warnings_and_information_never_fail()
    {
        var logs = new StrictLogs();
        LogLinkLost(logs.Logger);
        LogLinkUp(logs.Logger);
        logs.Dispose();
        Assert.Equal(2, logs.Entries.Count);
    }

    [LoggerMessage(EventId = 3702, Level = LogLevel.Error, Message = "Reply to command {CommandId} could not be published ({Reason})")]
    private static partial void LogReplyLost(ILogger logger, string commandId, string reason);

    [LoggerMessage(EventId = 9999, Level = LogLevel.Error, Message = "Any id of the expected category")]
    private static partial void LogOtherError(ILogger logger);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Critical, Message = "Disk gone")]
    private static partial void LogDiskGone(ILogger logger);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Link lost, reconnecting")]
    private static partial void LogLinkLost(ILogger logger);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Link up")]
    private static partial void LogLinkUp(ILogger logger);
}
