using EdgeGateway.Centre.Archive;

namespace EdgeGateway.Centre.Operators;

/// <summary>
/// The steps a nurse documents while handling an alarm (call-back, help on the way, arrived) and the alarm's whole
/// timeline: each step stored with its operator action in one transaction, then published so open pages redraw.
/// </summary>
internal sealed class AlarmSteps(IArchive archive, TimeProvider time, ChangeFeed changes)
{
    /// <summary>The longest text a step keeps, in characters (as the API's other fields).</summary>
    public const int MaxText = 256;

    /// <summary>Records a call-back with its <paramref name="outcome"/> (<see cref="AlarmStepKinds.CallbackOutcomes"/>).</summary>
    /// <exception cref="CentreActionException">An unknown outcome (400), no such alarm (404), or it is cleared (409).</exception>
    public Task<AlarmStep> CallBackAsync(Guid alarmId, string operatorName, string outcome, string? text, CancellationToken cancellationToken)
    {
        if (!AlarmStepKinds.CallbackOutcomes.Contains(outcome))
        {
            throw new CentreActionException(400, "outcome", $"'outcome' must be one of {string.Join(", ", AlarmStepKinds.CallbackOutcomes)}; got '{PrintableText.Of(outcome ?? "", 40)}'");
        }

        return AddAsync(alarmId, operatorName, AlarmStepKinds.Callback, outcome, text, cancellationToken);
    }

    /// <summary>Records that help is on the way; <paramref name="text"/> says who or what (e.g. "night patrol, car 2").</summary>
    /// <exception cref="CentreActionException">No text (400), no such alarm (404), or it is cleared (409).</exception>
    public Task<AlarmStep> HelpAsync(Guid alarmId, string operatorName, string text, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new CentreActionException(400, "text", "'text' is required: who or what is on the way");
        }

        return AddAsync(alarmId, operatorName, AlarmStepKinds.Help, null, text, cancellationToken);
    }

    /// <summary>Records that help arrived at the home.</summary>
    /// <exception cref="CentreActionException">No such alarm (404), it is cleared, or no help was on the way yet (409).</exception>
    public Task<AlarmStep> ArrivedAsync(Guid alarmId, string operatorName, string? text, CancellationToken cancellationToken) =>
        AddAsync(alarmId, operatorName, AlarmStepKinds.Arrived, null, text, cancellationToken);

    /// <summary>
    /// Every step of <paramref name="alarm"/>: raised and delivered first (raised carries the home's clock, which may be
    /// off, so it is not sorted against the centre's times), then taken, call-backs, notes, help, arrival and the clear in
    /// the centre's time order (no step follows a clear, but a note may).
    /// </summary>
    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(AlarmRecord alarm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        var steps = await archive.StepsAsync(alarm.Id, cancellationToken).ConfigureAwait(false);
        var notes = await archive.NotesAsync(alarm.Id, cancellationToken).ConfigureAwait(false);
        return Timeline(alarm, steps, notes);
    }

    /// <summary>The timeline of <paramref name="alarm"/> from its steps and notes (see <see cref="TimelineAsync"/>).</summary>
    public static IReadOnlyList<TimelineEntry> Timeline(AlarmRecord alarm, IReadOnlyList<AlarmStep> steps, IReadOnlyList<AlarmNote> notes)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(notes);
        var timeline = new List<TimelineEntry> { new("raised", alarm.RaisedAt, null, null, null) };
        if (alarm.DeliveredAt is { } delivered)
        {
            timeline.Add(new("delivered", delivered, null, null, null));
        }

        // In the same millisecond the take comes first and the clear last; ties between steps and notes keep the order
        // each was stored in (OrderBy is stable).
        var middle = new List<(int Rank, TimelineEntry Entry)>();
        if (alarm.TakenAt is { } taken)
        {
            middle.Add((0, new("taken", taken, alarm.TakenBy, null, null)));
        }

        // An SMS sent in the clear's own millisecond tells of that clear: it comes after it.
        middle.AddRange(steps.Select(s => (s.Kind == AlarmStepKinds.Sms && s.At >= alarm.ClearedAt ? 3 : 1, new TimelineEntry(s.Kind, s.At, s.Operator, s.Outcome, s.Text))));
        middle.AddRange(notes.Select(n => (1, new TimelineEntry("note", n.At, n.Operator, null, n.Text))));
        if (alarm.ClearedAt is { } cleared)
        {
            middle.Add((2, new("cleared", cleared, alarm.ClearedBy, null, alarm.ClearReason)));
        }

        timeline.AddRange(middle.OrderBy(m => m.Entry.At).ThenBy(m => m.Rank).Select(m => m.Entry));
        return timeline;
    }

    private async Task<AlarmStep> AddAsync(Guid alarmId, string operatorName, string kind, string? outcome, string? text, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operatorName);
        if (text is not null && (text.Trim().Length == 0 || text.Length > MaxText))
        {
            throw new CentreActionException(400, "text", $"'text' must be 1–{MaxText} characters when given");
        }

        var step = new AlarmStep(alarmId, time.GetUtcNow(), operatorName, kind, outcome, text);
        var detail = outcome is null ? text : text is null ? outcome : $"{outcome}: {text}";
        var gateway = (await archive.AlarmAsync(alarmId, ct).ConfigureAwait(false))?.Gateway;
        var result = await archive.AddStepAsync(step, new OperatorAction(step.At, operatorName, kind, gateway, alarmId, null, "ok", detail), ct).ConfigureAwait(false);
        switch (result)
        {
            case AlarmStepResult.NoAlarm:
                throw new CentreActionException(404, "id", $"no alarm {alarmId}");
            case AlarmStepResult.Cleared:
                throw new CentreActionException(409, "id", $"alarm {alarmId} is already cleared: no step can be added");
            case AlarmStepResult.NoHelpYet:
                throw new CentreActionException(409, "id", $"alarm {alarmId} has no \"help on the way\" yet: record who is going (POST /api/alarms/{alarmId}/help) before \"arrived\"");
        }

        // The alarm row itself did not change; the page redraws its card (and fetches the timeline) on this change.
        if (await archive.AlarmAsync(alarmId, ct).ConfigureAwait(false) is { } now)
        {
            changes.Publish(new CentreChange("alarm", now, null));
        }

        return step;
    }
}
