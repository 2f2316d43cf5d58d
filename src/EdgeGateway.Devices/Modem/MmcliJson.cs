using System.Globalization;
using System.Text.Json;
using UnitsNet;

namespace EdgeGateway.Devices.Modem;

/// <summary>Reads the JSON <c>mmcli -J</c> prints (ModemManager ≥ 1.10): every value a string, "--" when absent.</summary>
/// <remarks>
/// mmcli builds its JSON from dotted keys (modem.generic.state → {"modem":{"generic":{"state":…}}}); numbers are strings
/// ("67", "-95.00"). Anything else is refused with <see cref="FormatException"/> naming the key, never guessed.
/// </remarks>
public static class MmcliJson
{
    /// <summary>The modem paths of <c>mmcli -J -L</c> ({"modem-list":["/org/freedesktop/ModemManager1/Modem/0"]}), as mmcli indices.</summary>
    public static IReadOnlyList<int> ParseModemList(string json)
    {
        using var doc = Parse(json);
        var list = Property(doc.RootElement, "modem-list", JsonValueKind.Array);
        var indices = new List<int>();
        foreach (var path in list.EnumerateArray())
        {
            var text = path.ValueKind == JsonValueKind.String ? path.GetString()! : throw new FormatException("modem-list: an entry is not a string");
            var slash = text.LastIndexOf('/');
            indices.Add(slash >= 0 && int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var i)
                ? i
                : throw new FormatException($"modem-list: '{text}' is not a ModemManager modem path"));
        }

        return indices;
    }

    /// <summary>The status of <c>mmcli -J -m N</c>; the LTE values stay null until <see cref="WithSignal"/> adds them.</summary>
    public static ModemStatus ParseModem(string json)
    {
        using var doc = Parse(json);
        var modem = Property(doc.RootElement, "modem", JsonValueKind.Object);
        var generic = Property(modem, "generic", JsonValueKind.Object, "modem.");
        var state = Text(generic, "state", "modem.generic.") ?? throw new FormatException("modem.generic.state: missing");
        string? registration = null, operatorName = null;
        if (modem.TryGetProperty("3gpp", out var gpp) && gpp.ValueKind == JsonValueKind.Object)
        {
            registration = Text(gpp, "registration-state", "modem.3gpp.");
            operatorName = Text(gpp, "operator-name", "modem.3gpp.");
        }

        Ratio? quality = null;
        if (generic.TryGetProperty("signal-quality", out var sq))
        {
            quality = sq.ValueKind == JsonValueKind.Object
                ? Number(sq, "value", "modem.generic.signal-quality.") is { } q ? Ratio.FromPercent(q) : null
                : throw new FormatException("modem.generic.signal-quality: not an object");
            if (quality is { Percent: < 0 or > 100 } bad)
            {
                throw new FormatException($"modem.generic.signal-quality.value: {bad.Percent.ToString(CultureInfo.InvariantCulture)} is not 0–100 %");
            }
        }

        var lockName = Text(generic, "unlock-required", "modem.generic.");
        var failed = Text(generic, "state-failed-reason", "modem.generic.");
        return new ModemStatus
        {
            State = state,
            FailedReason = failed is "none" ? null : failed,
            UnlockRequired = lockName is "none" ? null : lockName,
            Registration = registration,
            Operator = operatorName,
            AccessTechnologies = generic.TryGetProperty("access-technologies", out var tech) ? Strings(tech, "modem.generic.access-technologies") : [],
            SignalQuality = quality,
        };
    }

    /// <summary><paramref name="status"/> with the LTE values of <c>mmcli -J -m N --signal-get</c>.</summary>
    public static ModemStatus WithSignal(ModemStatus status, string json)
    {
        ArgumentNullException.ThrowIfNull(status);
        using var doc = Parse(json);
        var signal = Property(Property(doc.RootElement, "modem", JsonValueKind.Object), "signal", JsonValueKind.Object, "modem.");
        var refresh = signal.TryGetProperty("refresh", out var r) && r.ValueKind == JsonValueKind.Object ? Number(r, "rate", "modem.signal.refresh.") : null;
        if (!signal.TryGetProperty("lte", out var lte) || lte.ValueKind != JsonValueKind.Object)
        {
            return status with { SignalRefresh = TimeSpan.FromSeconds(refresh ?? 0) };
        }

        return status with
        {
            SignalRefresh = TimeSpan.FromSeconds(refresh ?? 0),
            LteRsrp = Number(lte, "rsrp", "modem.signal.lte.") is { } rsrp ? PowerRatio.FromDecibelMilliwatts(rsrp) : null,
            LteRsrq = Number(lte, "rsrq", "modem.signal.lte.") is { } rsrq ? Level.FromDecibels(rsrq) : null,
            LteSnr = Number(lte, "snr", "modem.signal.lte.") is { } snr ? Level.FromDecibels(snr) : null,
        };
    }

    private static JsonDocument Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new FormatException("mmcli printed nothing");
        }

        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not JSON: {ex.Message}", ex);
        }
    }

    private static JsonElement Property(JsonElement parent, string name, JsonValueKind kind, string prefix = "")
    {
        if (parent.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException(prefix.Length == 0 ? "the answer is not a JSON object" : $"{prefix.TrimEnd('.')}: not an object");
        }

        return parent.TryGetProperty(name, out var e) && e.ValueKind == kind
            ? e
            : throw new FormatException($"{prefix}{name}: missing or not {(kind == JsonValueKind.Array ? "an array" : "an object")}");
    }

    /// <summary>A string value; null when absent or "--" (mmcli's "no value").</summary>
    private static string? Text(JsonElement parent, string name, string prefix)
    {
        if (!parent.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new FormatException($"{prefix}{name}: not a string");
        return text is "--" or "" ? null : text;
    }

    private static double? Number(JsonElement parent, string name, string prefix) =>
        Text(parent, name, prefix) is not { } text
            ? null
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v
                : throw new FormatException($"{prefix}{name}: '{text}' is not a number");

    private static string[] Strings(JsonElement e, string key) =>
        e.ValueKind == JsonValueKind.Array
            ? [.. e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : throw new FormatException($"{key}: an entry is not a string")).Where(x => x != "--")]
            : throw new FormatException($"{key}: not an array");
}
