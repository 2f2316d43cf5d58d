using System.Net;
using System.Net.Sockets;
using EdgeGateway.Adapters;
using EdgeGateway.Centre;
using EdgeGateway.Centre.Push;
using EdgeGateway.Centre.Residents;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.Composition;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Runtime;
using EdgeGateway.TechnicianConsole;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TechnicianConsole.Services;
using EdgeGateway.TechnicianConsole.Transport;
using EdgeGateway.Uplink.Mqtt;
using Microsoft.Extensions.Logging;
using MQTTnet.Server;

namespace EdgeGateway.Demo;

/// <summary>Options of <c>edgegateway demo</c>; <paramref name="Web"/> is where the nurses' page listens (loopback; port 0: a free one).</summary>
internal sealed record DemoOptions(bool Headless, double Speed, TimeSpan SettleTimeout, IPEndPoint? Web = null);

/// <summary>
/// Runs the demo: an embedded broker, the gateway with a simulated home, the duty centre (SQLite archive, the nurses'
/// page and its API on loopback) with a nurse who works through that API, and a scripted scenario.
/// </summary>
internal sealed class DemoRunner(DemoOptions options, IDemoView view, ILoggerFactory loggers)
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    /// <summary>The duty nurse who takes the scenario's alarms on.</summary>
    public const string Nurse = "Nurse Berit";

    /// <summary>Expected only where the host can do Web Push's cryptography (<see cref="DemoPhone.CanRun"/>).</summary>
    private static readonly Expectation PushedFall = new(
        "the nurse's phone gets the fall by Web Push with the page closed, decrypted on the phone", Observation.Pushed(CareEventKind.Fall));

    /// <summary>Plays the scenario; returns 0 only if every expected happening was observed.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(2026, 11, 23, 23, 59, 0, Zone.GetUtcOffset(new DateTime(2026, 11, 23, 23, 59, 0)));
        var clock = new ScenarioClock(start, options.Speed, Zone);
        var scenario = Scenario.DayInTheLife();
        var lifecycles = AlarmLifecycle.DayInTheLife(Nurse);
        IReadOnlyList<Expectation> expectations = [.. scenario.Expectations, .. lifecycles.Select(l => l.Expectation), .. DemoPhone.CanRun ? [PushedFall] : Array.Empty<Expectation>()];
        var tracker = new ExpectationTracker(expectations);
        var homeLog = new HomeAlarmLog();

        var port = FreeLoopbackPort();
        using var server = new MqttServerFactory().CreateMqttServer(
            new MqttServerOptionsBuilder()
                .WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
                .WithDefaultEndpointPort(port)
                .Build());
        await server.StartAsync().ConfigureAwait(false);
        var endpoint = new MqttEndpoint("127.0.0.1", port);
        void Show(string category, string text) => view.Show(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Zone), category, text);
        Show("broker", $"embedded MQTT broker listening on {endpoint}");

        // The real gateway on simulated hardware, as `run --config` builds it on a Pi; the demo starts sampling the
        // wearable itself, only while its clock runs in real time (a wearable streams, and is judged lost, in real time).
        var dataDir = Directory.CreateTempSubdirectory("edgegateway-demo-").FullName;
        var config = SimulatedHome.Config(Zone, dataDir);
        config.Uplink.Broker = endpoint.ToString();
        // The 4G modem of the secondary path, checked every scenario minute (a Pi checks every 10).
        config.Devices.Modem = new Devices.Configuration.ModemConfig { CheckMinutes = 1 };

        // The DC-UPS of the hardware/ design, its AC-OK signal on the simulated GPIO; judged at the defaults (read every
        // 5 s, mains gone or back for 10 s before it counts), on the scenario clock.
        config.Devices.Power = new Devices.Configuration.PowerConfig { Source = "dc-ups", AcOkPin = SimulatedHome.AcOkPin };
        var builder = new GatewayBuilder(new Core.Time.FixedClockSyncStatus(true), loggers, clock) { SampleOnStart = false, Modem = new Devices.Simulated.SimulatedModem() };
        var gateway = builder.Build(config, dataDir);
        await using var ownedGateway = gateway.ConfigureAwait(false);

        // The centre's commands (the nurse's take) reach the home as on a Pi: the store over the home's config file answers
        // config.*, the loop alarm.*; on the scenario clock (the builder's), which their expiry is checked against.
        var configPath = Path.Combine(dataDir, "config.json");
        await File.WriteAllTextAsync(configPath, config.ToJson(), cancellationToken).ConfigureAwait(false);
        var store = builder.OpenConfigStore(configPath);
        builder.AttachRemoteCommands(gateway, store, dataDir);
        using var home = new SimulatedHome(gateway.Home, clock);
        var flowing = new Dictionary<string, bool>();
        var falls = 0;
        var raisedKinds = new System.Collections.Concurrent.ConcurrentDictionary<Guid, CareEventKind>();
        home.Buzzer.Changed += p => Show("buzzer", p.ToString());
        home.Led.Changed += p => Show("led", p.ToString());
        home.Loop.Happened += h =>
        {
            switch (h.Kind)
            {
                case Core.Loop.LoopHappeningKind.Reading when h.Reading is { Kind: Core.Events.SensorKind.FlowMeter } r:
                    // A meter reports every second; the story is when water starts and stops.
                    if (flowing.GetValueOrDefault(r.SensorId) != r.IsFlowing)
                    {
                        flowing[r.SensorId] = r.IsFlowing;
                        Show("sensor", h.Text);
                    }

                    break;
                case Core.Loop.LoopHappeningKind.Reading when h.Reading is null:
                    // The loop reports a fall detection as a reading without a sensor value.
                    Show("sensor", h.Text);
                    tracker.Observe(Observation.Detected(Interlocked.Increment(ref falls)));
                    break;
                case Core.Loop.LoopHappeningKind.Reading:
                    Show("sensor", h.Text);
                    break;
                case Core.Loop.LoopHappeningKind.AlarmRaised:
                    Show("alarm", $"raised: {h.Text}");
                    raisedKinds[h.AlarmId!.Value] = h.Event!.Kind;
                    break;
                case Core.Loop.LoopHappeningKind.AlarmDelivered:
                    Show("alarm", h.Text);
                    homeLog.Heard(h.AlarmId ?? h.Event!.Id, h.Kind);
                    tracker.Observe(Observation.Delivered(h.Event!.Kind));
                    break;
                case Core.Loop.LoopHappeningKind.AlarmTaken:
                    Show("alarm", h.Text);
                    homeLog.Heard(h.AlarmId ?? h.Event!.Id, h.Kind);
                    tracker.Observe(Observation.Taken(h.Event!.Kind));
                    break;
                case Core.Loop.LoopHappeningKind.AlarmCleared:
                    Show("alarm", h.Text);
                    if (raisedKinds.TryGetValue(h.AlarmId!.Value, out var clearedKind))
                    {
                        tracker.Observe(Observation.Cleared(clearedKind));
                    }

                    break;
                case Core.Loop.LoopHappeningKind.EventEmitted:
                    Show("event", $"{h.Event!.Kind}: {h.Text}");
                    break;
                default:
                    Show("gateway", h.Text);
                    break;
            }
        };

        gateway.Uplink.Published += e =>
        {
            var sent = CloudEventCodec.Deserialize(e.Payload.Span);
            Show("uplink", $"sent {CloudEventCodec.TypePrefix}{sent.Spec.TypeName} #{sent.Sequence} {sent.Id}");
        };

        // The gateway makes an active alarm delivered on its ack; the demo only shows it.
        gateway.Uplink.AckReceived += ack =>
        {
            Show("ack", $"centre ({ack.By}) has stored {ack.EventId}");
            return Task.CompletedTask;
        };

        var kinPhone = new Devices.Simulated.SimulatedSmsModem(clock);
        kinPhone.Received += sms =>
        {
            Show("sms", $"to {sms.Number}: {sms.Text}");
            if (KindInSms(sms.Text) is { } kind)
            {
                tracker.Observe(Observation.KinTexted(kind));
            }
        };

        // The duty centre as `central --store --web` runs it, on the scenario's clock: the take and clear commands' expiry must
        // make sense to the gateway's (fast, stepped) clock, and escalation counts scenario minutes.
        var centreBuilder = new CentreBuilder(loggers)
        {
            Brokers = [new CentreBroker(endpoint, LinkSecurity.LoopbackDemo)],
            ClientId = "central-demo",
            Acks = new CentreAckOptions { Time = clock },
            Options = new DutyCentreOptions
            {
                Time = clock,
                Zone = Zone,

                // Skipping quiet hours steps the wall clock by hours; that gap is the skip, not a gateway gone silent.
                SilentMargin = TimeSpan.FromDays(1),

                // Scenario time: a reply takes a few real milliseconds, which is seconds of scenario time at 120x.
                CommandTimeout = TimeSpan.FromMinutes(10),
                CheckInterval = TimeSpan.FromSeconds(20),

                // The demo's archive lives in a temporary folder for one run: a key for that run seals its resident record.
                ResidentKey = ResidentKey.Generate(),

                // The centre host's 4G modem, simulated: each SMS to next of kin is shown as her phone would get it.
                Sms = CentreSms.Through(kinPhone, DemoResident.Signoff),

                // Web Push to the nurse's phone, with a key for this run; only where OpenSSL is (VapidKey.Generate is ECDSA).
                // Its tokens stay dated by the system clock: the phone's push service checks them in real time.
                Push = DemoPhone.CanRun ? new PushOptions(VapidKey.Generate(), "mailto:duty@demo.invalid") : null,
            },
            Web = options.Web ?? new IPEndPoint(IPAddress.Loopback, 0),

            // The screen shows the scenario's lines; the page's refused requests would only interleave with them.
            WebLogger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
        };
        var host = await centreBuilder.BuildAsync(Path.Combine(dataDir, "centre.sqlite"), cancellationToken).ConfigureAwait(false);
        var centre = host.Centre;
        centre.EventRecorded += e =>
        {
            Show("central", $"received {e.Spec.TypeName} from {e.GatewayId}/{e.SensorId ?? "-"} prio {e.Priority}: {e.Message}");
            tracker.Observe(Observation.Received(e.Kind));
            return Task.CompletedTask;
        };

        DemoNurse? nurse = null;
        DemoPhone? phone = null;
        try
        {
            try
            {
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                Show("demo", $"--web {options.Web}: cannot listen: {ex.Message}");
                return 3;
            }

            var web = host.Web!;

            Show("centre", $"the nurses' page: {web.Url} (open it to watch the alarms move; API {web.Url}api/alarms?state=all)");

            // A nurse reads an alarm for a moment before taking it; 20 scenario seconds stay well inside the first escalation (60 s).
            nurse = new DemoNurse(web.Url, Nurse, clock, TimeProvider.System, TimeSpan.FromSeconds(20), Show);
            await nurse.StartAsync(cancellationToken).ConfigureAwait(false);
            phone = await SubscribePhoneAsync(nurse).ConfigureAwait(false);
            return await PlayAsync(nurse).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Said here, before the stop: whatever the cleanup below throws, the reason the demo failed is on the screen.
            Show("demo", $"FAILED: {Teardown.Describe(ex)}");
            throw;
        }
        finally
        {
            // Each part is stopped even when the one before it throws, and a failure here is logged, never thrown over
            // the one that ended the run.
            var teardown = new Teardown(loggers.CreateLogger("demo"));
            if (phone is not null)
            {
                // A push still arriving finds no nurse to tap it; the phone itself stops after the centre, which may still be sending.
                phone.Notified -= OnPushed;
                phone.Problem -= OnPhoneProblem;
            }

            if (nurse is not null)
            {
                await teardown.StepAsync("the demo nurse", nurse.DisposeAsync).ConfigureAwait(false);
            }

            await teardown.StepAsync("the duty centre (its page, consumer and archive)", host.DisposeAsync).ConfigureAwait(false);
            if (phone is not null)
            {
                await teardown.StepAsync("the nurse's phone (its push service)", phone.DisposeAsync).ConfigureAwait(false);
            }

            await teardown.StepAsync("the gateway", gateway.DisposeAsync).ConfigureAwait(false);
            await teardown.StepAsync("the embedded broker", () => new ValueTask(server.StopAsync())).ConfigureAwait(false);
            teardown.Step("the demo's data dir", () => Directory.Delete(dataDir, recursive: true));
        }

        // The nurse's phone subscribes before the story starts, as she would at the start of her shift ("Notify this phone").
        async Task<DemoPhone?> SubscribePhoneAsync(DemoNurse duty)
        {
            if (!DemoPhone.CanRun)
            {
                Show("phone", "push not played: this host has no OpenSSL (libssl), which Web Push encryption needs");
                return null;
            }

            var started = await DemoPhone.StartAsync(await duty.PushKeyAsync(cancellationToken).ConfigureAwait(false), TimeProvider.System, cancellationToken).ConfigureAwait(false);
            started.Notified += OnPushed;
            started.Problem += OnPhoneProblem;
            try
            {
                Show("phone", $"{Nurse}'s phone: its push service listens on {started.Endpoint}");
                tracker.Check($"{Nurse}'s phone is subscribed for Web Push through the page", await duty.SubscribePhoneAsync(started.SubscriptionJson, cancellationToken).ConfigureAwait(false));
                return started;
            }
            catch
            {
                await started.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        void OnPushed(PhoneNotification n)
        {
            Show("phone", $"{Nurse}'s phone, page closed: «{n.Title}» {n.Body} — tap opens {n.Url}");
            if (KindOfType(n.Type) is { } kind)
            {
                tracker.Observe(Observation.Pushed(kind));
            }

            nurse?.TapNotification(n, tracker);
        }

        void OnPhoneProblem(string problem)
        {
            Show("phone", problem);
            tracker.Check($"{Nurse}'s phone takes every push: {problem}", false);
        }

        async Task<int> PlayAsync(DemoNurse duty)
        {
            var stage = new DemoStage(home, clock, tracker, start, options.Speed) { Nurse = duty };
            await gateway.StartAsync(cancellationToken).ConfigureAwait(false);

            try
            {
                await DemoResident.SaveAsync(centre, config.GatewayId, options.SettleTimeout, Show, cancellationToken).ConfigureAwait(false);

                // Start-up (JIT, broker) can eat scenario minutes at high speed; a late step shifts the rest by its lateness so
                // the gaps between steps survive (a peek must stay longer than the debounce, a press must stay inside the window).
                var lag = TimeSpan.Zero;
                foreach (var step in scenario.Steps)
                {
                    var due = start + step.At + lag;
                    var delay = clock.RealDelayUntil(due);
                    if (delay > TimeSpan.Zero)
                    {
                        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        lag += clock.GetUtcNow() - due;
                    }

                    Show("scenario", step.Description);
                    step.Act(stage);
                    if (step.WaitFor is { } wait)
                    {
                        await tracker.WaitAsync(wait, options.SettleTimeout, cancellationToken).ConfigureAwait(false);
                    }
                }

                // The check of the duty centre: what the archive shows through the page's API for each of the scenario's alarms.
                await duty.CheckAsync(lifecycles, homeLog, tracker, options.SettleTimeout, cancellationToken).ConfigureAwait(false);
                await tracker.WaitAllAsync(options.SettleTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            if (cancellationToken.IsCancellationRequested)
            {
                // A stop (Ctrl+C, SIGTERM, a time limit) before the end: what is missing below was never given its time.
                Show("demo", "stopped before the scenario's end");
            }

            var missing = tracker.Missing();
            foreach (var m in missing)
            {
                Show("demo", $"MISSING: {m.Description}");
            }

            var failed = tracker.FailedChecks();
            foreach (var f in failed)
            {
                Show("demo", $"CHECK FAILED: {f}");
            }

            Show("demo", $"scenario '{scenario.Name}' done: {expectations.Count - missing.Count}/{expectations.Count} expected happenings observed, {failed.Count} failed checks");

            if (!options.Headless && !cancellationToken.IsCancellationRequested)
            {
                Show("demo", $"the home keeps running; the technician console is on this terminal (demo PIN {PinPolicy.DemoPin}); Ctrl+C stops");
                using var bridge = builder.ConsoleBridge(gateway);
                await using var console = new ConsoleServer(
                    ConsoleTransports.Open("-"),
                    bridge.Services(store, dataDir, new LogTail(TimeProvider.System), "the demo home keeps its start-up config (a real gateway rebuilds its home with it)"),
                    TimeProvider.System,
                    new ConsoleOptions { PinHash = PinHash.Create(PinPolicy.DemoPin).ToString(), Banner = "EdgeGateway demo home: technician console" },
                    loggers.CreateLogger<ConsoleServer>());
                console.Start();
                await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }

            return missing.Count == 0 && failed.Count == 0 ? 0 : 1;
        }
    }

    // The SMS names the alarm as the page does ("(night exit, 00:05)"): the kind it is about, or null.
    private static CareEventKind? KindInSms(string text) =>
        CareEventCatalog.All
            .Where(spec => spec.Class == EventClass.Alarm && spec.TypeName.StartsWith("alarm.", StringComparison.Ordinal))
            .Where(spec => text.Contains($"({spec.TypeName["alarm.".Length..].Replace('-', ' ')},", StringComparison.Ordinal))
            .Select(spec => (CareEventKind?)spec.Kind)
            .FirstOrDefault();

    // The payload's type is the CloudEvents type ("org.edgegateway.alarm.fall"): the kind it is of, or null (a supervision alarm).
    private static CareEventKind? KindOfType(string type) =>
        CareEventCatalog.All
            .Where(spec => CloudEventCodec.TypePrefix + spec.TypeName == type)
            .Select(spec => (CareEventKind?)spec.Kind)
            .FirstOrDefault();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
