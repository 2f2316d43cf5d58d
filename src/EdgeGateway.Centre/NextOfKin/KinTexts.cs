using System.Globalization;
using EdgeGateway.Centre.Archive;

namespace EdgeGateway.Centre.NextOfKin;

/// <summary>
/// The SMS texts next of kin receive (issue 30). Short enough for one or two SMS, the resident named as the family knows
/// her, and never an access code, a diagnosis or a nurse's name: a phone's lock screen shows them to anyone.
/// </summary>
public static class KinTexts
{
    /// <summary>An alarm no nurse has taken after <paramref name="minutes"/> minutes.</summary>
    public static string Untaken(string resident, AlarmRecord alarm, int minutes, TimeZoneInfo zone, string? signoff)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        return Signed($"{resident}'s alarm ({What(alarm, zone)}) has waited {minutes} min without a nurse taking it. The duty centre keeps trying. If you can, call {resident} or go there.", signoff);
    }

    /// <summary>An alarm a nurse cleared with a reason the coordinator chose to tell the family of.</summary>
    public static string Cleared(string resident, AlarmRecord alarm, TimeZoneInfo zone, string? signoff)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        var at = alarm.ClearedAt is { } c ? " at " + Clock(c, zone) : "";
        return Signed($"{resident}'s alarm ({What(alarm, zone)}) was closed by the duty centre{at}: {alarm.ClearReason}.", signoff);
    }

    // "fall, 14:32": what the page calls the type, and the centre's local time it came in.
    private static string What(AlarmRecord alarm, TimeZoneInfo zone) =>
        Push.PushNotifier.Label(alarm.Type).ToLowerInvariant() + ", " + Clock(alarm.ReceivedAt, zone);

    private static string Clock(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string Signed(string text, string? signoff) => string.IsNullOrWhiteSpace(signoff) ? text : $"{text} – {signoff.Trim()}";
}
