using EdgeGateway.Centre.Archive;
using EdgeGateway.Contract;

namespace EdgeGateway.Centre;

/// <summary>The duty centre's timings (docs/operations.md, "The duty centre").</summary>
public sealed class DutyCentreOptions
{
    /// <summary>The clock of supervision, escalation and every timestamp.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How long a gateway may be offline (last will) before the <c>gateway offline</c> alarm.</summary>
    public TimeSpan OfflineGrace { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Heartbeat intervals without a heartbeat before a gateway is silent (plus <see cref="SilentMargin"/>).</summary>
    public int SilentIntervals { get; init; } = 3;

    /// <summary>Added to <see cref="SilentIntervals"/> intervals, for transport jitter.</summary>
    public TimeSpan SilentMargin { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How much before <see cref="SilentIntervals"/> intervals + <see cref="SilentMargin"/> the pass that declares silence starts,
    /// so that the alarm is stored within that budget although the heartbeat's transport and the pass itself take time.
    /// </summary>
    public TimeSpan SilentLead { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long after the event that follows a gap the gap may still fill (retransmissions arrive late) before it is flagged.</summary>
    public TimeSpan GapGrace { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Untaken alarm age at which it reaches escalation level 1, 2, 3.</summary>
    public IReadOnlyList<TimeSpan> Escalations { get; init; } = [TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(180), TimeSpan.FromSeconds(300)];

    /// <summary>Where each escalation is POSTed as JSON, or null.</summary>
    public Uri? EscalationWebhook { get; init; }

    /// <summary>The local time by which each gateway's daily test must have arrived, or null to not check.</summary>
    public TimeOnly? DailyTestBy { get; init; }

    /// <summary>The zone of <see cref="DailyTestBy"/>.</summary>
    public TimeZoneInfo Zone { get; init; } = TimeZoneInfo.Local;

    /// <summary>How long to wait for a gateway's reply to a command.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between supervision passes; a pass also runs at each deadline (silence, offline grace, escalation) the last one saw.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Takes every new gateway alarm on at once as this operator (<c>central --take-as</c>), through <see cref="DutyCentre.TakeAsync"/>
    /// like a nurse on the page, so the archive records the take; for demos and tests. Null: a person takes them.
    /// </summary>
    public string? TakeAs { get; init; }

    /// <summary>The heartbeat interval a gateway that states none is held to.</summary>
    public TimeSpan DefaultHeartbeatInterval { get; init; } = SqlArchive.DefaultInterval;

    /// <summary>
    /// The longest heartbeat interval a gateway's claim is believed up to; a home claiming more is held to
    /// <see cref="DefaultHeartbeatInterval"/> (docs/security.md, "What a gateway may claim").
    /// </summary>
    public TimeSpan MaxHeartbeatInterval { get; init; } = TimeSpan.FromSeconds(HeartbeatLimits.MaxSeconds);

    /// <summary>The key resident records are sealed with at rest; null turns resident records off (their requests answer 503).</summary>
    public Residents.ResidentKey? ResidentKey { get; init; }

    /// <summary>Web Push to the duty phones (the VAPID key and subject); null turns it off (its requests answer 503, nothing is sent).</summary>
    public Push.PushOptions? Push { get; init; }

    /// <summary>SMS to next of kin through the centre's modem; null: no modem (an SMS a home's rule asks for is a failed step saying so).</summary>
    public NextOfKin.KinSmsOptions? Sms { get; init; }

    /// <summary>The directory the signed release archives are served from (<c>GET /releases/{file}</c>); null serves none.</summary>
    public string? ReleasesDirectory { get; init; }

    /// <summary>Starts a release rollout from the page (<c>POST /api/rollout</c>); null: the page cannot (its requests answer 503).</summary>
    public Rollouts.IRolloutStarter? RolloutStarter { get; init; }

    /// <summary>
    /// Homes of one zone quiet at once (offline, silent or a heartbeat overdue) from which their offline and silent alarms
    /// become one mass-outage incident; 0 turns grouping off (every home its own alarm).
    /// </summary>
    public int MassOutageHomes { get; init; } = 10;

    /// <summary>
    /// The share of a zone's homes that must be quiet as well (0–1): a hundred scattered homes whose software froze are a
    /// hundred alarms, a cut takes out a large part of a zone.
    /// </summary>
    public double MassOutageShare { get; init; } = 0.2;

    /// <summary>How long after a mass outage opened further homes of its zone going quiet still join it rather than alarm one by one.</summary>
    public TimeSpan MassOutageJoin { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long after the last home of a mass outage came back it closes; the homes still out then get their own alarms.</summary>
    public TimeSpan MassOutageSettle { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long after its last heartbeat a gateway counts as silent; the pass starts SilentLead early so that the alarm is stored within the budget.</summary>
    internal TimeSpan SilenceBudget(TimeSpan interval) => (SilentIntervals * interval) + SilentMargin - SilentLead;

    internal DutyCentreOptions Validated()
    {
        ArgumentNullException.ThrowIfNull(Time);
        ArgumentNullException.ThrowIfNull(Zone);
        if (OfflineGrace < TimeSpan.Zero || SilentIntervals < 1 || SilentMargin < TimeSpan.Zero || SilentLead < TimeSpan.Zero || SilentLead > SilentMargin || GapGrace < TimeSpan.Zero || CommandTimeout <= TimeSpan.Zero || CheckInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(OfflineGrace), "centre timings must be positive");
        }

        if (DefaultHeartbeatInterval < TimeSpan.FromSeconds(HeartbeatLimits.MinSeconds) || MaxHeartbeatInterval < DefaultHeartbeatInterval || MaxHeartbeatInterval > TimeSpan.FromSeconds(HeartbeatLimits.MaxSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxHeartbeatInterval), MaxHeartbeatInterval, $"expected {HeartbeatLimits.MinSeconds} s <= default heartbeat ({DefaultHeartbeatInterval.TotalSeconds} s) <= max heartbeat <= {HeartbeatLimits.MaxSeconds} s");
        }

        if (MassOutageHomes < 0 || MassOutageShare is < 0 or > 1 || double.IsNaN(MassOutageShare) || MassOutageJoin < TimeSpan.Zero || MassOutageSettle < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MassOutageHomes), "mass outage settings must not be negative");
        }

        if (Escalations.Count == 0 || Escalations.Zip(Escalations.Skip(1)).Any(p => p.Second <= p.First) || Escalations[0] <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Escalations), "escalation times must be positive and increasing");
        }

        return this;
    }
}
