using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EdgeGateway.TestSupport;

/// <summary>
/// The logger of a test that runs real parts (brokers, processes, SQLite files): records every entry, shows it in the
/// test's output, and fails the test when an Error or Critical entry was logged that the test did not declare with
/// <see cref="Expect"/> (STYLE.md §12, as MQTTnet's own tests do against their real broker).
/// </summary>
/// <remarks>
/// The check runs at the end (<see cref="AssertNoUnexpectedErrors"/>, or <see cref="Dispose"/> from the test class's
/// own Dispose): most errors are logged on a connection or timer thread, where an exception thrown inside the logging
/// call would be swallowed by the part that logged and the test would pass.
/// </remarks>
public sealed class StrictLogs : ILoggerFactory, ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly ConcurrentQueue<(int? EventId, string? Category)> _expected = new();
    private readonly ITestOutputHelper? _output;
    private int _checked;

    /// <summary>Records the test's log; with <paramref name="output"/> every entry also goes to the test's output, so a failing test shows what was logged.</summary>
    public StrictLogs(ITestOutputHelper? output = null) => _output = output;

    /// <summary>A logger of category "test", for the parts that take a plain <see cref="ILogger"/>.</summary>
    public ILogger Logger => CreateLogger("test");

    /// <summary>Every entry so far, oldest first, from every logger this one handed out.</summary>
    public IReadOnlyCollection<LogEntry> Entries => _entries;

    /// <summary>The Error and Critical entries no <see cref="Expect"/> declared.</summary>
    public IReadOnlyList<LogEntry> UnexpectedErrors => [.. _entries.Where(e => e.IsError && !IsExpected(e))];

    /// <summary>
    /// Declares an Error the test provokes on purpose (it kills the broker, damages the store, sends garbage): an entry
    /// with <paramref name="eventId"/> (any category if null) and of <paramref name="category"/> (any event id if null).
    /// </summary>
    public StrictLogs Expect(int? eventId = null, string? category = null)
    {
        if (eventId is null && category is null)
        {
            throw new ArgumentException("Expect an event id, a category or both: expecting every error would switch the check off.");
        }

        _expected.Enqueue((eventId, category));
        return this;
    }

    /// <summary>A logger of <paramref name="categoryName"/> that records into this one.</summary>
    public ILogger CreateLogger(string categoryName) => new RecordingLogger(categoryName, Record);

    /// <summary>A typed logger (category = the type's full name) for the parts that take <see cref="ILogger{T}"/>.</summary>
    public ILogger<T> For<T>() => new Logger<T>(this);

    /// <summary>Fails with every unexpected Error or Critical entry in the message, and the test's whole log after them.</summary>
    public void AssertNoUnexpectedErrors()
    {
        var unexpected = UnexpectedErrors;
        if (unexpected.Count > 0)
        {
            throw new UnexpectedErrorLoggedException(
                $"{unexpected.Count} error(s) logged that the test did not expect (declare a provoked one with StrictLogs.Expect):\n  "
                + string.Join("\n  ", unexpected) + "\nWhole log:\n  " + string.Join("\n  ", _entries));
        }
    }

    /// <summary>Runs <see cref="AssertNoUnexpectedErrors"/> once; call it from the test class's Dispose, after the parts under test stopped.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _checked, 1) == 0)
        {
            AssertNoUnexpectedErrors();
        }
    }

    /// <summary>Not supported: the test's entries are recorded here, never passed on to other providers.</summary>
    void ILoggerFactory.AddProvider(ILoggerProvider provider) => throw new NotSupportedException("StrictLogs records the test's log itself; it takes no other provider.");

    private bool IsExpected(LogEntry entry) =>
        _expected.Any(x => (x.EventId is null || x.EventId == entry.EventId.Id) && (x.Category is null || x.Category == entry.Category));

    private void Record(LogEntry entry)
    {
        _entries.Enqueue(entry);
        try
        {
            _output?.WriteLine(entry.ToString());
        }
        catch (InvalidOperationException)
        {
            // xunit refuses output once the test has ended; a part still stopping may log then, and that entry is recorded above.
        }
    }
}
