using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;

namespace EdgeGateway.Demo;

/// <summary>
/// The scenario's duty nurse. She does what a nurse at the page does, through the same HTTP API: follows the live feed
/// (<c>/api/events/stream</c>), takes each delivered gateway alarm on after reading it (<c>POST /api/alarms/{id}/take</c>)
/// documents the steps of handling it when the scenario says (<c>POST /api/alarms/{id}/callbacks</c>, <c>…/help</c>,
/// <c>…/arrived</c>) and clears it with a reason (<c>POST /api/alarms/{id}/clear</c>). Nothing of the centre is called
/// in-process, so the demo exercises the page's path end to end.
/// </summary>
internal sealed class DemoNurse : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly TimeProvider _clock;
    private readonly TimeProvider _realTime;
    private readonly Action<string, string> _show;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Guid, string> _states = new();
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private readonly Lock _documenting = new();
    private Task _lastDocumented = Task.CompletedTask;
    private Task? _feed;

    /// <summary>Creates the nurse for the page at <paramref name="page"/>; she reads an alarm for <paramref name="readingTime"/> (scenario time) before taking it.</summary>
    public DemoNurse(Uri page, string name, TimeProvider clock, TimeProvider realTime, TimeSpan readingTime, Action<string, string> show)
    {
        _http = new HttpClient { BaseAddress = page, Timeout = TimeSpan.FromSeconds(30) };
        Name = name;
        _clock = clock;
        _realTime = realTime;
        ReadingTime = readingTime;
        _show = show;
    }

    /// <summary>Her name: the operator every take and clear is recorded under.</summary>
    public string Name { get; }

    /// <summary>How long she looks at a new alarm before taking it. Also keeps her take behind the centre's receipt ack on the wire, so the home hears "received" before "help is coming".</summary>
    public TimeSpan ReadingTime { get; }

    /// <summary>The CloudEvents type the page shows for <paramref name="kind"/>.</summary>
    public static string TypeOf(CareEventKind kind) => CloudEventCodec.TypePrefix + CareEventCatalog.Get(kind).TypeName;

    /// <summary>Subscribes to the page's live feed; returns once subscribed, so no alarm raised afterwards is missed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var response = await _http.GetAsync(new Uri("api/events/stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        _feed = Task.Run(() => FollowAsync(response, _stop.Token), CancellationToken.None);
    }

    private async Task FollowAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using (response)
        {
            try
            {
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
                string? kind = null;
                while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        kind = line["event: ".Length..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && kind is "alarm" or "escalation")
                    {
                        OnAlarm(kind, line["data: ".Length..]);
                    }
                    else if (line.Length == 0)
                    {
                        kind = null;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
            {
                // The demo is stopping (or the page server went away with it).
            }
        }
    }

    private void OnAlarm(string kind, string json)
    {
        var alarm = PageAlarm.Parse(json);
        if (kind == "escalation")
        {
            _show("page", $"{alarm.Name} alarm not taken yet: escalated to level {alarm.Escalation}");
            return;
        }

        // The page redraws on every change; the story is each alarm's move to its next state.
        if (_states.TryGetValue(alarm.Id, out var before) && before == alarm.State)
        {
            return;
        }

        _states[alarm.Id] = alarm.State;
        _show("page", $"{alarm.Name} alarm {alarm.State}" + alarm.State switch
        {
            AlarmStates.Taken => $" by {alarm.TakenBy}",
            AlarmStates.Cleared => $" ({alarm.ClearReason}{(alarm.ClearedBy is { } by ? $", {by}" : "")})",
            _ => $": {alarm.Message}",
        });
        if (before is null && alarm.Origin == "gateway" && alarm.State == AlarmStates.Delivered)
        {
            Track(TakeAsync(alarm));
        }
    }

    private async Task TakeAsync(PageAlarm alarm)
    {
        await Task.Delay(ReadingTime, _clock, _stop.Token).ConfigureAwait(false);
        using var response = await _http.PostAsJsonAsync(new Uri($"api/alarms/{alarm.Id:D}/take", UriKind.Relative), new Dictionary<string, string> { ["operator"] = Name }, DemoNurseJson.Default.DictionaryStringString, _stop.Token).ConfigureAwait(false);
        _show("nurse", $"{Name} takes the {alarm.Name} alarm on the page: {await OutcomeAsync(response).ConfigureAwait(false)}");
        if (response.IsSuccessStatusCode)
        {
            // Only now, with the alarm hers, does the page show her the resident's access codes (and the audit log has it).
            using var details = await _http.GetAsync(new Uri($"api/alarms/{alarm.Id:D}/resident?operator={Uri.EscapeDataString(Name)}", UriKind.Relative), _stop.Token).ConfigureAwait(false);
            _show("nurse", $"{Name} opens the resident's details on the {alarm.Name} alarm: {await DetailsAsync(details).ConfigureAwait(false)}");
        }
    }

    private async Task<string> DetailsAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            return await OutcomeAsync(response).ConfigureAwait(false);
        }

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_stop.Token).ConfigureAwait(false));
        var r = doc.RootElement;
        var access = r.GetProperty("access");
        var kin = r.GetProperty("next_of_kin").EnumerateArray().Select(k => $"{k.GetProperty("name").GetString()} ({k.GetProperty("relation").GetString()})");
        return $"{r.GetProperty("name").GetString()}, key safe {access.GetProperty("key_safe").GetString()} code {access.GetProperty("key_safe_code").GetString()}, next of kin {string.Join(", ", kin)}";
    }

    /// <summary>The centre's VAPID public key as the page hands it to the browser's <c>pushManager.subscribe</c> (<c>GET /api/push/key</c>).</summary>
    public async Task<string> PushKeyAsync(CancellationToken cancellationToken)
    {
        var body = await _http.GetStringAsync(new Uri("api/push/key", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("public_key").GetString()!;
    }

    /// <summary>
    /// "Notify this phone" on the page: hands the phone's subscription (<paramref name="subscriptionJson"/>, as
    /// <c>PushSubscription.toJSON()</c> gives it) to <c>POST /api/push/subscriptions</c> under her name; true when stored.
    /// </summary>
    public async Task<bool> SubscribePhoneAsync(string subscriptionJson, CancellationToken cancellationToken)
    {
        using var subscription = JsonDocument.Parse(subscriptionJson);
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            w.WriteString("operator", Name);
            w.WritePropertyName("subscription");
            subscription.RootElement.WriteTo(w);
            w.WriteEndObject();
        }

        using var content = new ByteArrayContent(json.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(new Uri("api/push/subscriptions", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        _show("nurse", $"{Name} turns on \"Notify this phone\" on the page: HTTP {(int)response.StatusCode}" + (response.IsSuccessStatusCode ? ", her phone is subscribed" : $": {answer}"));
        return response.IsSuccessStatusCode;
    }

    /// <summary>
    /// She taps <paramref name="notification"/> on her phone: its URL opens the alarm on the page (<c>GET /api/alarms/{id}</c>,
    /// in the background); shows which alarm the page opened and checks it is the one pushed.
    /// </summary>
    public void TapNotification(PhoneNotification notification, ExpectationTracker tracker) => Track(TapAsync(notification, tracker));

    private async Task TapAsync(PhoneNotification notification, ExpectationTracker tracker)
    {
        if (notification.Opens is not { } id)
        {
            tracker.Check($"the phone's notification opens an alarm: its URL is '{notification.Url}'", false);
            return;
        }

        using var response = await _http.GetAsync(new Uri($"api/alarms/{id:D}", UriKind.Relative), _stop.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            _show("phone", $"{Name} taps the notification: the page cannot open {notification.Url}: {await OutcomeAsync(response).ConfigureAwait(false)}");
            tracker.Check($"tapping the phone's notification opens alarm {id} on the page", false);
            return;
        }

        var opened = PageAlarm.Parse(await response.Content.ReadAsStringAsync(_stop.Token).ConfigureAwait(false));
        var same = opened.Id == notification.Alarm && opened.Type == notification.Type;
        _show("phone", $"{Name} taps it: the page opens the {opened.Name} alarm ({opened.State})" + (same ? ", the one pushed" : $", NOT the pushed {Short(notification.Type)} alarm {notification.Alarm}"));
        tracker.Check($"tapping the phone's notification opens the {Short(notification.Type)} alarm it was about", same);
    }

    /// <summary>
    /// Documents a step (<paramref name="step"/>: <c>callbacks</c>, <c>help</c>, <c>arrived</c>) with <paramref name="fields"/>
    /// on every open gateway alarm of <paramref name="kind"/>, in the background but after the steps she is still
    /// documenting: "arrived" must reach the centre after "help on the way".
    /// </summary>
    public void Document(CareEventKind kind, string step, string what, params (string Name, string Value)[] fields)
    {
        lock (_documenting)
        {
            _lastDocumented = DocumentAsync(_lastDocumented, kind, step, what, fields);
            Track(_lastDocumented);
        }
    }

    private async Task DocumentAsync(Task before, CareEventKind kind, string step, string what, (string Name, string Value)[] fields)
    {
        // A step that failed was shown by its own Track; the next one still goes.
        await before.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var type = TypeOf(kind);
        var open = (await AlarmsAsync("open", _stop.Token).ConfigureAwait(false)).Where(a => a.Origin == "gateway" && a.Type == type).ToList();
        if (open.Count == 0)
        {
            _show("nurse", $"{Name} finds no open {Short(type)} alarm on the page to document {what} on");
        }

        foreach (var alarm in open)
        {
            var body = fields.ToDictionary(f => f.Name, f => f.Value);
            body["operator"] = Name;
            using var response = await _http.PostAsJsonAsync(new Uri($"api/alarms/{alarm.Id:D}/{step}", UriKind.Relative), body, DemoNurseJson.Default.DictionaryStringString, _stop.Token).ConfigureAwait(false);
            _show("nurse", $"{Name} documents on the {alarm.Name} alarm: {what}: {await OutcomeAsync(response).ConfigureAwait(false)}");
        }
    }

    /// <summary>Clears every open gateway alarm of <paramref name="kind"/> with <paramref name="reason"/> (in the background; the lifecycle check waits for it).</summary>
    public void Clear(CareEventKind kind, string reason) => Track(ClearAsync(kind, reason));

    private async Task ClearAsync(CareEventKind kind, string reason)
    {
        // Cleared after the steps she is documenting: nothing can be added to a cleared alarm.
        Task documented;
        lock (_documenting)
        {
            documented = _lastDocumented;
        }

        await documented.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var type = TypeOf(kind);
        var open = (await AlarmsAsync("open", _stop.Token).ConfigureAwait(false)).Where(a => a.Origin == "gateway" && a.Type == type).ToList();
        if (open.Count == 0)
        {
            _show("nurse", $"{Name} finds no open {Short(type)} alarm on the page to clear");
        }

        foreach (var alarm in open)
        {
            using var response = await _http.PostAsJsonAsync(new Uri($"api/alarms/{alarm.Id:D}/clear", UriKind.Relative), new Dictionary<string, string> { ["operator"] = Name, ["reason"] = reason }, DemoNurseJson.Default.DictionaryStringString, _stop.Token).ConfigureAwait(false);
            _show("nurse", $"{Name} clears the {alarm.Name} alarm on the page ({reason}): {await OutcomeAsync(response).ConfigureAwait(false)}");
        }
    }

    private static async Task<string> OutcomeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (!response.IsSuccessStatusCode)
        {
            return $"HTTP {(int)response.StatusCode}: {(root.TryGetProperty("detail", out var d) ? d.GetString() : body)}";
        }

        var state = root.GetProperty("alarm").GetProperty("state").GetString();
        var command = root.TryGetProperty("command", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("status", out var s) ? s.GetString() : null;
        return $"HTTP {(int)response.StatusCode}, alarm {state}" + (command is null ? "" : $", the gateway's reply: {command}");
    }

    /// <summary>The alarms as <c>GET /api/alarms?state=</c><paramref name="state"/> lists them.</summary>
    public async Task<IReadOnlyList<PageAlarm>> AlarmsAsync(string state, CancellationToken cancellationToken)
    {
        var body = await _http.GetStringAsync(new Uri($"api/alarms?state={state}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(body);
        return [.. doc.RootElement.EnumerateArray().Select(e => PageAlarm.From(e))];
    }

    /// <summary>
    /// The headless check of the duty centre: polls the API until each of <paramref name="lifecycles"/> shows its whole
    /// lifecycle (raised → delivered → taken by this nurse → cleared with the expected reason, in that order, and the home
    /// heard delivered before taken), observing each as it does; reports what is still wrong with the others at the end.
    /// Every alarm the nurse took must also have been delivered first, at the centre and at home.
    /// </summary>
    public async Task CheckAsync(IReadOnlyList<AlarmLifecycle> lifecycles, HomeAlarmLog home, ExpectationTracker tracker, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _realTime.GetTimestamp() + (long)(timeout.TotalSeconds * _realTime.TimestampFrequency);
        var pending = lifecycles.ToList();
        var why = new Dictionary<AlarmLifecycle, string>();
        IReadOnlyList<PageAlarm> alarms = [];
        while (true)
        {
            alarms = await AlarmsAsync("all", cancellationToken).ConfigureAwait(false);
            foreach (var lifecycle in pending.ToList())
            {
                var timeline = lifecycle.Steps is null ? null : await TimelineOfAsync(alarms, lifecycle.Kind, cancellationToken).ConfigureAwait(false);
                if (lifecycle.Problem(alarms, Name, home, timeline) is { } problem)
                {
                    why[lifecycle] = problem;
                }
                else
                {
                    pending.Remove(lifecycle);
                    tracker.Observe(lifecycle.Expectation.Observation);
                }
            }

            if (pending.Count == 0 || _realTime.GetTimestamp() >= deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), _realTime, cancellationToken).ConfigureAwait(false);
        }

        foreach (var lifecycle in pending)
        {
            _show("demo", $"{lifecycle.Expectation.Description}: {why[lifecycle]}");
        }

        var taken = alarms.Where(a => a.Origin == "gateway" && a.TakenAt is not null).ToList();
        tracker.Check(
            $"every alarm taken on the page was taken by {Name} after the centre stored it, and its home heard delivered before taken",
            taken.All(a => a.TakenBy == Name && a.DeliveredAt <= a.TakenAt && home.DeliveredBeforeTaken(a.Id) != false));
    }

    /// <summary>The timeline (<c>GET /api/alarms/{id}</c>) of the one gateway alarm of <paramref name="kind"/> in <paramref name="alarms"/>, or null when there is not exactly one.</summary>
    private async Task<IReadOnlyList<TimelineLine>?> TimelineOfAsync(IReadOnlyList<PageAlarm> alarms, CareEventKind kind, CancellationToken ct)
    {
        var type = TypeOf(kind);
        if (alarms.Where(a => a.Type == type && a.Origin == "gateway").ToList() is not [var alarm])
        {
            return null;
        }

        var body = await _http.GetStringAsync(new Uri($"api/alarms/{alarm.Id:D}", UriKind.Relative), ct).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(body);
        return [.. doc.RootElement.GetProperty("timeline").EnumerateArray().Select(e => new TimelineLine(
            e.GetProperty("kind").GetString()!, e.GetProperty("operator").GetString(), e.GetProperty("outcome").GetString()))];
    }

    private void Track(Task task)
    {
        _background[task] = 0;
        _ = task.ContinueWith(
            t =>
            {
                _background.TryRemove(t, out _);
                if (t.Exception?.GetBaseException() is { } ex and not OperationCanceledException)
                {
                    _show("nurse", $"{Name} could not act on the page: {ex.Message}");
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    internal static string Short(string type) =>
        type.StartsWith(CloudEventCodec.TypePrefix, StringComparison.Ordinal) ? type[CloudEventCodec.TypePrefix.Length..].Replace("alarm.", "", StringComparison.Ordinal) : type;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll([.. _background.Keys, _feed ?? Task.CompletedTask]).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            // Stopped mid-action; the alarm stays as the archive has it.
        }

        _http.Dispose();
        _stop.Dispose();
    }
}

/// <summary>One alarm as the page's JSON shows it (docs/centre-api.yaml).</summary>
internal sealed record PageAlarm(
    Guid Id,
    string Type,
    string Origin,
    string State,
    string Message,
    DateTimeOffset RaisedAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? TakenAt,
    string? TakenBy,
    DateTimeOffset? ClearedAt,
    string? ClearedBy,
    string? ClearReason,
    int Escalation)
{
    /// <summary>The short name the demo's lines use, e.g. <c>night-exit</c>.</summary>
    public string Name => DemoNurse.Short(Type);

    public static PageAlarm Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return From(doc.RootElement);
    }

    public static PageAlarm From(JsonElement e)
    {
        static DateTimeOffset? At(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetDateTimeOffset() : null;
        static string? Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new PageAlarm(
            e.GetProperty("id").GetGuid(), Str(e, "type")!, Str(e, "origin")!, Str(e, "state")!, Str(e, "message") ?? "",
            At(e, "raised_at")!.Value, At(e, "delivered_at"), At(e, "taken_at"), Str(e, "taken_by"),
            At(e, "cleared_at"), Str(e, "cleared_by"), Str(e, "clear_reason"), e.TryGetProperty("escalation", out var l) ? l.GetInt32() : 0);
    }
}

/// <summary>One line of an alarm's timeline as the page's JSON shows it: its kind, who, and a call-back's outcome.</summary>
internal sealed record TimelineLine(string Kind, string? Operator, string? Outcome);

/// <summary>
/// What the scenario expects the archive to show for one of its alarms at the end: taken by the nurse, then cleared by
/// <paramref name="ClearedBy"/> (null: at the gateway) with <paramref name="Reason"/>; with <paramref name="Steps"/>,
/// the timeline also shows those steps documented by the nurse between the take and the clear, in that order.
/// </summary>
internal sealed record AlarmLifecycle(CareEventKind Kind, string? ClearedBy, string Reason, Expectation Expectation, IReadOnlyList<string>? Steps = null)
{
    /// <summary>
    /// The lifecycles of a day in the life: the nurse clears the night exit and the tap on the page; the carer resets the
    /// fall at home. The night exit is also documented step by step: a call-back nobody answers, the night patrol on
    /// its way, its arrival.
    /// </summary>
    public static IReadOnlyList<AlarmLifecycle> DayInTheLife(string nurse) =>
    [
        Of(CareEventKind.NightExit, "the night exit", nurse, Scenario.HelpGiven),
        new(CareEventKind.NightExit, nurse, Scenario.HelpGiven, new Expectation(
            "the page's timeline shows the night exit documented by the nurse: call-back (no answer), help on the way, arrived, then cleared",
            Observation.Documented(CareEventKind.NightExit)), ["callback", "help", "arrived"]),
        Of(CareEventKind.TapLeftRunning, "the tap left running", nurse, Scenario.NoHelpNeeded),
        Of(CareEventKind.Fall, "the fall", null, "cleared at the gateway"),
    ];

    private static AlarmLifecycle Of(CareEventKind kind, string what, string? clearedBy, string reason) =>
        new(kind, clearedBy, reason, new Expectation(
            $"the page shows {what} raised → delivered → taken by the nurse → cleared {(clearedBy is null ? "at home" : "by her")} ({reason})",
            Observation.Recorded(kind)));

    /// <summary>What is wrong with this alarm's record (and, with <see cref="Steps"/>, its <paramref name="timeline"/>), or null when its whole lifecycle is there in order.</summary>
    public string? Problem(IReadOnlyList<PageAlarm> alarms, string nurse, HomeAlarmLog home, IReadOnlyList<TimelineLine>? timeline = null)
    {
        var problem = LifecycleProblem(alarms, nurse, home);
        if (problem is not null || Steps is null)
        {
            return problem;
        }

        if (timeline is null)
        {
            return "its timeline could not be read";
        }

        string[] expected = ["taken", .. Steps, "cleared"];
        var shown = timeline.Where(l => expected.Contains(l.Kind)).ToList();
        if (!shown.Select(l => l.Kind).SequenceEqual(expected))
        {
            return $"its timeline shows {string.Join(" → ", shown.Select(l => l.Kind))}, expected {string.Join(" → ", expected)}";
        }

        if (shown.Any(l => l.Operator != nurse))
        {
            return $"a step of its timeline is not under {nurse}'s name: {string.Join(", ", shown.Select(l => $"{l.Kind} by {l.Operator ?? "nobody"}"))}";
        }

        return shown.Single(l => l.Kind == "callback").Outcome == "no-answer" ? null : "its call-back's outcome is not no-answer";
    }

    private string? LifecycleProblem(IReadOnlyList<PageAlarm> alarms, string nurse, HomeAlarmLog home)
    {
        var type = DemoNurse.TypeOf(Kind);
        var of = alarms.Where(a => a.Type == type && a.Origin == "gateway").ToList();
        if (of.Count != 1)
        {
            return $"expected one {type} alarm at the centre, found {of.Count}";
        }

        var a = of[0];
        if (a.State != AlarmStates.Cleared)
        {
            return $"still {a.State}";
        }

        if (a.DeliveredAt is not { } d)
        {
            return "never delivered";
        }

        if (d < a.RaisedAt)
        {
            return $"delivered at {d:O}, before it was raised at {a.RaisedAt:O}";
        }

        if (a.TakenAt is not { } t)
        {
            return "cleared without being taken";
        }

        if (a.TakenBy != nurse || t < d)
        {
            return $"taken by '{a.TakenBy}' at {t:O} (delivered at {d:O}), expected {nurse} after the delivery";
        }

        if (a.ClearedAt < t || a.ClearedBy != ClearedBy || a.ClearReason != Reason)
        {
            return $"cleared by '{a.ClearedBy ?? "the gateway"}' ({a.ClearReason}) at {a.ClearedAt:O}, expected '{ClearedBy ?? "the gateway"}' ({Reason}) after the take at {t:O}";
        }

        return home.DeliveredBeforeTaken(a.Id) is true ? null : "the home did not hear delivered before taken";
    }
}

/// <summary>The order in which the home heard each alarm's steps (the loop's happenings), for the check that delivered came before taken.</summary>
internal sealed class HomeAlarmLog
{
    private readonly ConcurrentDictionary<Guid, ConcurrentQueue<LoopHappeningKind>> _steps = new();

    public void Heard(Guid alarm, LoopHappeningKind step) => _steps.GetOrAdd(alarm, _ => new()).Enqueue(step);

    /// <summary>True when the home heard delivered and later taken; false when it heard taken without a delivery before; null when it heard no take.</summary>
    public bool? DeliveredBeforeTaken(Guid alarm)
    {
        if (!_steps.TryGetValue(alarm, out var steps))
        {
            return null;
        }

        var list = steps.ToList();
        var taken = list.IndexOf(LoopHappeningKind.AlarmTaken);
        if (taken < 0)
        {
            return null;
        }

        var delivered = list.IndexOf(LoopHappeningKind.AlarmDelivered);
        return delivered >= 0 && delivered < taken;
    }
}

/// <summary>The nurse's request bodies, source-generated so the published (trimmed) binary keeps them.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class DemoNurseJson : System.Text.Json.Serialization.JsonSerializerContext;
