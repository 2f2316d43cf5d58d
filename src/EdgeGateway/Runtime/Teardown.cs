using Microsoft.Extensions.Logging;

namespace EdgeGateway.Runtime;

/// <summary>
/// Runs the steps of a stop in order so that a step that throws neither hides the failure that led to the stop nor skips
/// the steps after it: each failure is logged with the step's name and kept, and nothing is thrown from here.
/// </summary>
internal sealed partial class Teardown(ILogger logger)
{
    private readonly List<(string Step, Exception Error)> _failures = [];

    /// <summary>The steps that failed, in order, with what they threw.</summary>
    public IReadOnlyList<(string Step, Exception Error)> Failures => _failures;

    /// <summary>Runs one step; a failure is logged and kept, and the next step runs all the same.</summary>
#pragma warning disable CA1031 // A stop must run to its end whatever one part of it throws; every failure is logged.
    public async ValueTask StepAsync(string step, Func<ValueTask> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(step, ex);
        }
    }

    /// <summary>Runs one synchronous step; a failure is logged and kept.</summary>
    public void Step(string step, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            Fail(step, ex);
        }
    }
#pragma warning restore CA1031

    /// <summary>Logs a failure that happened outside a step (a part that faulted while running) and keeps it.</summary>
    public void Fail(string step, Exception error)
    {
        _failures.Add((step, error));
        LogStepFailed(logger, error, step, Describe(error));
    }

    /// <summary>One line for an operator: the innermost exception's type and message and the method that threw it.</summary>
    public static string Describe(Exception error)
    {
        var root = error;
        while (root is AggregateException { InnerExceptions.Count: 1 } or TypeInitializationException or System.Reflection.TargetInvocationException
               && root.InnerException is not null)
        {
            root = root.InnerException;
        }

        // The stack trace's first frame, as text: TargetSite needs metadata the trimmed release does not keep.
        var frame = root.StackTrace?.Split('\n', 2)[0].Trim();
        var where = frame is { Length: > 3 } && frame.StartsWith("at ", StringComparison.Ordinal) ? $" (thrown {frame})" : string.Empty;
        var outer = ReferenceEquals(root, error) ? string.Empty : $"{error.GetType().Name}: {error.Message} <- ";
        return $"{outer}{root.GetType().Name}: {root.Message}{where}";
    }

    [LoggerMessage(EventId = 1030, Level = LogLevel.Error, Message = "Stopping: {Step} failed: {Reason}; the rest of the stop goes on")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string step, string reason);
}
