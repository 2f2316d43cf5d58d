using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Operators;

namespace EdgeGateway.Centre;

/// <summary>The steps of handling an alarm (<see cref="AlarmSteps"/>): call-back, help on the way, arrived, and the timeline.</summary>
public sealed partial class DutyCentre
{
    private AlarmSteps? _steps;

    // Stateless over the archive, clock and feed: made on first use, so the constructor the other parts share stays as it is.
    private AlarmSteps Steps => _steps ??= new AlarmSteps(Archive, Time, Changes);

    /// <summary>Records a call-back to the home with its outcome (answered, no-answer, busy, wrong-number) and optional text.</summary>
    /// <exception cref="CentreActionException">An unknown outcome (400), no such alarm (404), or it is cleared (409).</exception>
    public Task<AlarmStep> CallBackAsync(Guid alarmId, string operatorName, string outcome, string? text, CancellationToken cancellationToken = default) =>
        Steps.CallBackAsync(alarmId, operatorName, outcome, text, cancellationToken);

    /// <summary>Records that help is on the way; <paramref name="text"/> says who or what.</summary>
    /// <exception cref="CentreActionException">No text (400), no such alarm (404), or it is cleared (409).</exception>
    public Task<AlarmStep> HelpOnTheWayAsync(Guid alarmId, string operatorName, string text, CancellationToken cancellationToken = default) =>
        Steps.HelpAsync(alarmId, operatorName, text, cancellationToken);

    /// <summary>Records that help arrived at the home.</summary>
    /// <exception cref="CentreActionException">No such alarm (404), it is cleared, or no help was on the way yet (409).</exception>
    public Task<AlarmStep> ArrivedAsync(Guid alarmId, string operatorName, string? text, CancellationToken cancellationToken = default) =>
        Steps.ArrivedAsync(alarmId, operatorName, text, cancellationToken);

    /// <summary>Every step of <paramref name="alarm"/> in order, from raised to cleared.</summary>
    public Task<IReadOnlyList<TimelineEntry>> TimelineAsync(AlarmRecord alarm, CancellationToken cancellationToken = default) =>
        Steps.TimelineAsync(alarm, cancellationToken);
}
