using EdgeGateway.Core.Events;

namespace EdgeGateway.Demo;

/// <summary>A scripted story played against the simulated home.</summary>
internal sealed record Scenario(string Name, IReadOnlyList<ScenarioStep> Steps, IReadOnlyList<Expectation> Expectations)
{
    /// <summary>The reasons the nurse clears with, as the page offers them.</summary>
    public const string HelpGiven = "help given";

    /// <inheritdoc cref="HelpGiven"/>
    public const string NoHelpNeeded = "no help needed";

    /// <summary>Who the nurse sends to the night exit.</summary>
    public const string NightPatrol = "night patrol, car 2";

    /// <summary>
    /// A short day in the life of the resident: a peek out of the door at night (no alarm), a real night exit (alarm,
    /// received by the centre, then taken on by the nurse), a tap left running in the morning, and before noon a fall she
    /// cancels and one she cannot; at lunch a missed dose, and in the afternoon a pan that sets off the smoke detector (a fire
    /// alarm nobody at home can reset, cleared by the centre once the detector has released) and the stove guard. Each alarm
    /// shows both steps at home: delivered ("received"), then taken ("help is coming"); a 4G signal loss (modem fault, then
    /// restored); a power cut (mains lost on the DC-UPS's AC-OK pin, her help call goes out on battery, mains back); the
    /// loop reports a delivery only while the alarm is still raised, so seeing both means in that order.
    /// Quiet hours are skipped by stepping the wall clock, as NTP would.
    /// </summary>
    public static Scenario DayInTheLife()
    {
        static Expectation At(string d, CareEventKind k) => new(d, Observation.Received(k));
        static Expectation Delivered(string d, CareEventKind k) => new($"the home hears the centre has received {d}", Observation.Delivered(k));
        static Expectation Taken(string d, CareEventKind k) => new($"the nurse takes {d} on (help is coming)", Observation.Taken(k));
        var nightExitAck = Taken("the night exit", CareEventKind.NightExit);
        var daughterTold = new Expectation("her daughter gets an SMS through the centre's modem: the night exit cleared, help given", Observation.KinTexted(CareEventKind.NightExit));
        var cleared = At("alarm-cleared reaches the centre", CareEventKind.AlarmCleared);
        var tapAck = Taken("the tap left running", CareEventKind.TapLeftRunning);
        var fallCancelled = At("cancelled fall reaches the centre as info", CareEventKind.FallCancelled);
        var fallDetected = new Expectation("the fall detector sees the first fall", Observation.Detected(1));
        var fallDetected2 = new Expectation("the fall detector sees the second fall", Observation.Detected(2));
        var fallAck = Taken("the fall", CareEventKind.Fall);
        var wearableLow = At("the wearable's low cell reaches the centre (a technician is sent with a new CR2032)", CareEventKind.WearableBatteryLow);
        var modemFault = At("4G signal loss reaches the centre as a modem fault", CareEventKind.ModemFault);
        var modemRestored = At("the modem's return reaches the centre", CareEventKind.ModemRestored);
        var mainsLost = At("the power cut reaches the centre as mains lost", CareEventKind.MainsLost);
        var helpOnBattery = Taken("her help call made on battery", CareEventKind.HelpButton);
        var mainsRestored = At("mains restored reaches the centre", CareEventKind.MainsRestored);
        var doseAck = Taken("the missed dose", CareEventKind.DoseMissed);
        var doseCleared = new Expectation("the late dose ends the missed-dose alarm at home", Observation.Cleared(CareEventKind.DoseMissed));
        var fireAck = Taken("the fire", CareEventKind.Fire);
        var smokeReleased = At("the smoke detector's release reaches the centre", CareEventKind.SmokeReleased);
        var fireCleared = new Expectation("the centre's clear ends the fire alarm at home", Observation.Cleared(CareEventKind.Fire));
        var stoveOff = At("the stove guard's cut-off reaches the centre as info", CareEventKind.StoveSwitchedOff);
        Expectation[] expected =
        [
            At("night-exit alarm reaches the centre", CareEventKind.NightExit), Delivered("the night exit", CareEventKind.NightExit), nightExitAck, cleared, daughterTold,
            At("tap-left-running alarm reaches the centre", CareEventKind.TapLeftRunning), Delivered("the tap left running", CareEventKind.TapLeftRunning), tapAck,
            modemFault, modemRestored,
            mainsLost, At("the help call made on battery reaches the centre", CareEventKind.HelpButton), helpOnBattery, mainsRestored,
            fallDetected, fallCancelled, fallDetected2,
            At("fall alarm reaches the centre", CareEventKind.Fall), Delivered("the fall", CareEventKind.Fall), fallAck, wearableLow,
            At("missed-dose alarm reaches the centre", CareEventKind.DoseMissed), doseAck, doseCleared,
            At("fire alarm reaches the centre", CareEventKind.Fire), fireAck, stoveOff, smokeReleased, fireCleared,
        ];
        static TimeSpan T(int h, int m, int s = 0) => new TimeSpan(h, m, s) + TimeSpan.FromMinutes(1); // start is 23:59
        return new Scenario(
            "a day in the life",
            [
                new(T(0, 0), "the resident is asleep; all quiet", _ => { }),
                new(T(0, 1), "she opens the front door to look out", s => s.Home.SetFrontDoorOpen(true)),
                new(T(0, 1, 40), "she closes it again: a peek, not an exit", s => s.Home.SetFrontDoorOpen(false)),
                new(T(0, 4), "the grace period is long over", s => s.Tracker.Check(
                    "the peek raised no alarm", s.Tracker.CountOf(Observation.Received(CareEventKind.NightExit)) == 0 && s.Home.Loop.ActiveAlarms.Count == 0)),
                new(T(0, 4, 30), "she walks out of the front door and does not come back", s => s.Home.SetFrontDoorOpen(true), nightExitAck),
                new(T(0, 6, 50), "the duty nurse calls her back; nobody answers", s => s.Nurse.Document(CareEventKind.NightExit, "callbacks", "call-back, no answer", ("outcome", "no-answer"))),
                new(T(0, 7), "she sends the night patrol: help on the way", s => s.Nurse.Document(CareEventKind.NightExit, "help", "help on the way", ("text", NightPatrol))),
                new(T(0, 7, 20), "the night patrol arrives at the home", s => s.Nurse.Document(CareEventKind.NightExit, "arrived", "arrived at the home")),
                new(T(0, 7, 30), "the night nurse has found her in the garden; the duty nurse clears the alarm on the page: help given", s => s.Nurse.Clear(CareEventKind.NightExit, HelpGiven), daughterTold),
                new(T(0, 8), "the night nurse brings her back in; the door closes", s => s.Home.SetFrontDoorOpen(false), cleared),
                new(T(0, 9), "skipping the quiet hours to 08:00", s => s.Clock.SkipTo(s.Start + T(8, 0) - TimeSpan.FromSeconds(1))),
                new(T(8, 0), "she starts the kitchen tap (7 L/min through the pulse meter) and forgets it", s => s.Home.SetKitchenTap(7), tapAck),
                new(T(8, 6, 30), "the duty nurse phones her; she is fine and goes to the tap: the nurse clears the alarm, no help needed", s => s.Nurse.Clear(CareEventKind.TapLeftRunning, NoHelpNeeded)),
                new(T(8, 7), "the tap is turned off", s => s.Home.SetKitchenTap(0)),
                new(T(8, 7, 10), "the cleaner knocks the 4G antenna cable loose: signal 5 %", s => s.Home.Modem!.LoseSignal(5), modemFault),
                new(T(8, 7, 40), "the technician, called by the centre, reseats it", s => s.Home.Modem!.Status = Devices.Simulated.SimulatedModem.Healthy, modemRestored),
                new(T(8, 8), "a storm: the power goes out (the DC-UPS's AC-OK lets go; the gateway runs on its battery)", s => s.Home.SetMains(false), mainsLost),
                new(T(8, 8, 40), "in the dark she pulls the cord for help", s =>
                {
                    s.Tracker.Check("the gateway knows it is on battery before her call", s.Home.PowerSupply == Core.Power.PowerSupply.Battery);
                    s.Home.SetPullCord(true);
                }, helpOnBattery),
                new(T(8, 8, 45), "she lets go; her carer comes round with a torch and resets the call on site", s =>
                {
                    s.Home.SetPullCord(false);
                    s.Tracker.Check("her help call went out and was taken on while on battery", s.Home.PowerSupply == Core.Power.PowerSupply.Battery);
                    foreach (var alarm in s.Home.Loop.ActiveAlarms.Where(a => a.Event.Kind == CareEventKind.HelpButton))
                    {
                        s.Home.Loop.TryClear(alarm.Id, Core.Alarms.ClearReason.LocalReset);
                    }
                }),
                new(T(8, 9, 30), "the power comes back", s => s.Home.SetMains(true), mainsRestored),
                new(T(8, 11), "skipping to 11:00", s => s.Clock.SkipTo(s.Start + T(11, 0) - TimeSpan.FromSeconds(1))),
                new(T(11, 0), "she slips and falls (SisFall F01 at the wearable's 50 Hz, streamed in real time over its Bluetooth protocol)", s =>
                {
                    s.Clock.Speed = 1;
                    s.Home.StartSampling();
                    s.Home.PlayRecording("F01_SA01_R01.from5s.txt");
                }, fallDetected),
                new(T(11, 0, 10), "she is fine and presses her wearable's button to cancel the pre-alarm", s => s.Home.PressWearableButton()),
                new(T(11, 0, 12), "she gets up", s =>
                {
                    s.Home.StandUp();
                    s.Home.StopSampling();
                    s.Clock.Speed = s.FastSpeed;
                }, fallCancelled),
                new(T(11, 2), "she faints and collapses (SisFall F06 through the wearable, real time) and cannot press its button", s =>
                {
                    s.Clock.Speed = 1;
                    s.Home.StartSampling();
                    s.Home.PlayRecording("F06_SA02_R01.from5s.txt");
                }, fallDetected2),
                new(T(11, 2, 7), "she lies still; the pre-alarm runs out and help is called", s =>
                {
                    s.Home.StopSampling();
                    s.Clock.Speed = s.FastSpeed;
                }, fallAck),
                new(T(11, 6), "the home carer arrives and resets the fall alarm on site", s =>
                {
                    foreach (var alarm in s.Home.Loop.ActiveAlarms.Where(a => a.Event.Kind == CareEventKind.Fall))
                    {
                        s.Home.Loop.TryClear(alarm.Id, Core.Alarms.ClearReason.LocalReset);
                    }
                }),
                new(T(11, 6, 30), "her wearable's coin cell reads 18 % at its next report", s => s.Home.SetWearableBattery(18), wearableLow),
                new(T(11, 7), "the day goes on", s =>
                {
                    s.Tracker.Check("exactly one night-exit alarm (the peek raised none)", s.Tracker.CountOf(Observation.Received(CareEventKind.NightExit)) == 1);
                    s.Tracker.Check("night exit, tap and fall alarms cleared", s.Tracker.CountOf(Observation.Received(CareEventKind.AlarmCleared)) >= 2);
                }),
                new(T(11, 8), "she walks through the hall (its PIR sees her)", s => s.Home.SetMotion(SimulatedHome.HallPir, true)),
                new(T(11, 9), "the hall PIR's hold time runs out", s => s.Home.SetMotion(SimulatedHome.HallPir, false)),
                new(T(11, 10), "skipping to 13:00", s => s.Clock.SkipTo(s.Start + T(13, 0) - TimeSpan.FromSeconds(1))),
                new(T(13, 0), "her lunchtime dose stays in the pill dispenser: its alarm output closes", s => s.Home.SetDoseMissed(true), doseAck),
                new(T(13, 5), "the nurse calls her; she takes the dose late and the dispenser releases its output", s => s.Home.SetDoseMissed(false), doseCleared),
                new(T(13, 6), "skipping to 17:00", s => s.Clock.SkipTo(s.Start + T(17, 0) - TimeSpan.FromSeconds(1))),
                new(T(17, 0), "a pan left on the stove smokes: the kitchen smoke detector's relay switches", s => s.Home.SetSmoke(true), fireAck),
                new(T(17, 0, 30), "the buzzer sounds the fire signal; she tries to reset the alarm on site", s =>
                {
                    s.Tracker.Check("the buzzer sounds the fire signal over every other pattern", s.Home.Buzzer.Pattern == Core.Outputs.BuzzerPattern.Fire);
                    foreach (var alarm in s.Home.Loop.ActiveAlarms.Where(a => a.Event.Kind == CareEventKind.Fire))
                    {
                        s.Home.Loop.TryClear(alarm.Id, Core.Alarms.ClearReason.LocalReset);
                    }
                }),
                new(T(17, 1), "the stove guard switches the stove off", s =>
                {
                    s.Tracker.Check("the fire alarm cannot be reset at the gateway", s.Home.Loop.ActiveAlarms.Any(a => a.Event.Kind == CareEventKind.Fire));
                    s.Home.SetStoveSwitchedOff(true);
                }, stoveOff),
                new(T(17, 4), "the kitchen is aired: the smoke detector releases", s => s.Home.SetSmoke(false), smokeReleased),
                new(T(17, 5), "the duty nurse, told by the fire service it is over, clears the fire alarm on the page: help given", s =>
                {
                    s.Tracker.Check("the fire alarm stays after the detector released, until the centre clears it", s.Home.Loop.ActiveAlarms.Any(a => a.Event.Kind == CareEventKind.Fire));
                    s.Nurse.Clear(CareEventKind.Fire, HelpGiven);
                }, fireCleared),
                new(T(17, 6), "the stove guard is reset; evening", s => s.Home.SetStoveSwitchedOff(false)),
            ],
            expected);
    }
}
