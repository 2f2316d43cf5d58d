using System.Text;
using EdgeGateway.Centre.Archive;
using EdgeGateway.TestSupport;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// Handling an alarm step by step on the nurses' page (issue 29) in a real headless Chromium over a real centre: the
/// card's steps are one click or one field each, its timeline shows every step in order under the nurse's name, and the
/// home's card lists the alarm with how it ended. The alarm is the centre's own (a gateway offline), so no gateway or
/// broker is needed: take and clear send no command.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class AlarmTimelinePageBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Home = "timeline-page-home";
    private readonly string _dir = Directory.CreateTempSubdirectory("timeline-page-").FullName;
    private readonly StrictLogs _logs = new(output);
    private CentreFixture? _centre;

    public async Task InitializeAsync() => _centre = await CentreFixture.StartAsync(_dir, [], loggers: _logs);

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre);
        _logs.Dispose();
    }

    private static string[] Kinds(IWebElement timeline) => [.. timeline.FindElements(By.TagName("li")).Select(li => li.GetAttribute("data-kind") ?? "")];

    [Fact]
    public async Task A_nurse_documents_call_back_note_help_and_arrival_the_card_shows_each_in_order_and_the_home_lists_how_it_ended()
    {
        var id = (await _centre!.Archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm($"offline:{Home}:1", Home, SupervisionTypes.Offline, 2, $"gateway {Home} offline", _centre.Centre.Time.GetUtcNow())))!.Id;
        using var browser = NursesPageBrowserTests.StartBrowser(_dir, 1280, 900);
        await browser.Navigate().GoToUrlAsync(_centre.Web.Url.ToString());
        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("live")).Text == "live" ? "live" : null, "the live feed connected");
        browser.ExecuteScript("window.__noReload = 'still the first load';");
        browser.FindElement(By.Id("operator")).SendKeys("Nurse Berit");

        var card = NursesPageBrowserTests.Until(() => browser.FindElement(By.Id($"alarm-{id}")), "the alarm");
        var timeline = card.FindElement(By.ClassName("timeline"));
        NursesPageBrowserTests.Until(() => Kinds(timeline) is ["raised"] ? "raised" : null, "the timeline's first line");
        Assert.False(card.FindElement(By.ClassName("steps")).Displayed); // nothing to document before somebody has it

        card.FindElement(By.ClassName("take")).Click();
        NursesPageBrowserTests.Until(() => Kinds(timeline) is ["raised", "taken"] ? "taken" : null, "the take on the timeline");
        Assert.True(card.FindElement(By.ClassName("steps")).Displayed);
        Assert.False(card.FindElement(By.ClassName("arrived")).Displayed); // not before help is on the way

        card.FindElement(By.CssSelector("select.callback-outcome option[value='no-answer']")).Click();
        card.FindElement(By.ClassName("callback")).Click();
        NursesPageBrowserTests.Until(() => Kinds(timeline).Length == 3 ? "3" : null, "the call-back on the timeline");
        card.FindElement(By.ClassName("note-text")).SendKeys("no answer on her landline; her neighbour has a key");
        card.FindElement(By.ClassName("note")).Click();
        NursesPageBrowserTests.Until(() => Kinds(timeline).Length == 4 ? "4" : null, "the note on the timeline");
        Assert.Equal("", card.FindElement(By.ClassName("note-text")).GetAttribute("value"));
        card.FindElement(By.ClassName("help-text")).SendKeys("night patrol, car 2");
        card.FindElement(By.ClassName("help")).Click();
        var arrived = NursesPageBrowserTests.Until(() => card.FindElement(By.ClassName("arrived")) is { Displayed: true } a ? a : null, "the arrived button once help is on the way");
        arrived.Click();
        NursesPageBrowserTests.Until(() => Kinds(timeline).Length == 6 ? "6" : null, "the arrival on the timeline");

        // A step documented elsewhere (another nurse's page; here the API) reaches this card live.
        using (var http = new HttpClient { BaseAddress = _centre.Web.Url })
        using (var body = new StringContent("""{"operator":"Nurse Kari","text":"daughter informed"}""", Encoding.UTF8, "application/json"))
        using (var response = await http.PostAsync(new Uri($"api/alarms/{id}/notes", UriKind.Relative), body))
        {
            response.EnsureSuccessStatusCode();
        }

        NursesPageBrowserTests.Until(() => Kinds(timeline).Length == 7 ? "7" : null, "the other nurse's note, live");
        Assert.Equal(["raised", "taken", "callback", "note", "help", "arrived", "note"], Kinds(timeline));
        var lines = timeline.FindElements(By.ClassName("step-text")).Select(e => e.Text).ToList();
        Assert.Equal(
            ["taken · Nurse Berit", "call-back: no answer · Nurse Berit", "note: no answer on her landline; her neighbour has a key · Nurse Berit",
             "help on the way: night patrol, car 2 · Nurse Berit", "arrived at the home · Nurse Berit", "note: daughter informed · Nurse Kari"],
            lines.Skip(1));

        card.FindElement(By.CssSelector("select.reason option[value='help given']")).Click();
        card.FindElement(By.ClassName("clear")).Click();
        NursesPageBrowserTests.Until(() => browser.FindElements(By.Id($"alarm-{id}")).Count == 0 ? "gone" : null, "the cleared alarm leaving the open list");

        // The home's card: the alarm among its past 30 days, with how it ended, and its whole story when opened.
        var home = browser.FindElement(By.Id($"home-{Home}"));
        var past = NursesPageBrowserTests.Until(() => home.FindElement(By.CssSelector($".home-alarms li[data-id='{id}']")) is var li && li.GetAttribute("data-state") == "cleared" ? li : null, "the alarm in the home's past alarms, cleared");
        Assert.Equal("help given · Nurse Berit", past.FindElement(By.ClassName("past-end")).Text);
        Assert.Equal("Gateway offline", past.FindElement(By.ClassName("past-kind")).Text);
        Assert.Equal("1", home.FindElement(By.ClassName("home-alarm-count")).Text);
        past.FindElement(By.TagName("summary")).Click();
        var story = past.FindElement(By.ClassName("timeline"));
        NursesPageBrowserTests.Until(() => Kinds(story).Length == 8 ? "8" : null, "the past alarm's timeline");
        Assert.Equal(["raised", "taken", "callback", "note", "help", "arrived", "note", "cleared"], Kinds(story));
        Assert.Equal("cleared: help given · Nurse Berit", story.FindElements(By.ClassName("step-text"))[^1].Text);
        Assert.Equal("still the first load", browser.ExecuteScript("return window.__noReload;"));

        var steps = await _centre.Archive.StepsAsync(id);
        Assert.Equal([(AlarmStepKinds.Callback, "no-answer", (string?)null), (AlarmStepKinds.Help, null, "night patrol, car 2"), (AlarmStepKinds.Arrived, null, null)], steps.Select(s => (s.Kind, s.Outcome, s.Text)));
        Assert.All(steps, s => Assert.Equal("Nurse Berit", s.Operator));
    }
}
