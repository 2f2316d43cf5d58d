namespace EdgeGateway.Centre.Report;

/// <summary>The gains figures of one home over one span (a week or the whole report); null where there is nothing to count.</summary>
/// <param name="AlarmsByKind">Care alarms per kind (type without the CloudEvents prefix), ordered by kind.</param>
/// <param name="Alarms">Care alarms (supervision alarms not counted).</param>
/// <param name="Taken">Alarms a nurse took.</param>
/// <param name="TakeP50">Median seconds from received to taken.</param>
/// <param name="TakeP90">90th percentile seconds from received to taken.</param>
/// <param name="ShareWithin60">Share of all alarms taken within 60 s (benchmark 97.5 %).</param>
/// <param name="ShareWithin180">Share of all alarms taken within 180 s (benchmark 99 %).</param>
/// <param name="Cleared">Alarms cleared.</param>
/// <param name="ClearP50">Median seconds from received to cleared.</param>
/// <param name="ClearP90">90th percentile seconds from received to cleared.</param>
/// <param name="ClearedFalseAlarm">Alarms cleared as a false alarm.</param>
/// <param name="ClearedNoHelpNeeded">Alarms cleared as no help needed.</param>
/// <param name="FallPreAlarmsCancelled">Fall pre-alarms the resident cancelled.</param>
/// <param name="NightExits">Night exits.</param>
/// <param name="MissedDoses">Doses the medication dispenser reported missed (what electronic medication support failed to prevent).</param>
/// <param name="Nights">Whole nights in the span since the home was first seen.</param>
/// <param name="NightsWithoutAlarm">Nights without any care alarm (each a night visit made unnecessary).</param>
/// <param name="HoursSaved">Nights without alarm × minutes per visit, in hours.</param>
/// <param name="Availability">Share of the span the gateway was not in a detected outage.</param>
/// <param name="SupervisionAlarms">Supervision alarms per type, ordered by type.</param>
public sealed record GainsFigures(
    IReadOnlyList<KeyValuePair<string, int>> AlarmsByKind,
    int Alarms,
    int Taken,
    double? TakeP50,
    double? TakeP90,
    double? ShareWithin60,
    double? ShareWithin180,
    int Cleared,
    double? ClearP50,
    double? ClearP90,
    int ClearedFalseAlarm,
    int ClearedNoHelpNeeded,
    int FallPreAlarmsCancelled,
    int NightExits,
    int MissedDoses,
    int Nights,
    int NightsWithoutAlarm,
    double HoursSaved,
    double? Availability,
    IReadOnlyList<KeyValuePair<string, int>> SupervisionAlarms);
