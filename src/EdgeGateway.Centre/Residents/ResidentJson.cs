using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeGateway.Centre.Web;

namespace EdgeGateway.Centre.Residents;

/// <summary>
/// A resident record as JSON (docs/centre-api.yaml, <c>Resident</c>): read with every field checked, each problem named by
/// its path, and written in the same form. The archive seals this same JSON, so a record read back is checked again.
/// </summary>
public static partial class ResidentJson
{
    /// <summary>Most next of kin on one record: the duty centre calls them in order, and five is already a long night.</summary>
    public const int MaxNextOfKin = 5;

    // Fields a client may send back as it got them (GET's answer) or that the API reads itself: not part of the record.
    private static readonly HashSet<string> Ignored = ["operator", "gateway", "updated_at", "updated_by"];
    private static readonly HashSet<string> Known = ["name", "born", "language", "phone", "address", "access", "next_of_kin", "gp", "care_notes", "zone", "sms"];

    /// <summary>Reads and checks a record; <paramref name="today"/> bounds the date of birth. Returns the record, or every problem found.</summary>
    public static (ResidentRecord? Record, IReadOnlyList<FieldProblem> Problems) Read(JsonElement root, DateOnly today)
    {
        var problems = new List<FieldProblem>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, [new FieldProblem("$", "a resident record must be a JSON object")]);
        }

        foreach (var p in root.EnumerateObject())
        {
            if (!Known.Contains(p.Name) && !Ignored.Contains(p.Name))
            {
                problems.Add(new FieldProblem(PrintableText.Of(p.Name, 40), $"unknown field '{PrintableText.Of(p.Name, 40)}'; a resident record has {string.Join(", ", Known)}"));
            }
        }

        var r = new Reader(problems);
        var name = r.Text(root, "name", "name", 100, required: true);
        var born = r.Born(root, today);
        var language = r.Text(root, "language", "language", 40);
        var phone = r.Phone(root, "phone", "phone", required: false);
        ResidentAddress? address = null;
        if (r.Object(root, "address", "address", required: true) is { } a)
        {
            var street = r.Text(a, "street", "address.street", 100, required: true);
            var postcode = r.Text(a, "postcode", "address.postcode", 12);
            var city = r.Text(a, "city", "address.city", 60, required: true);
            var floor = r.Text(a, "floor", "address.floor", 10);
            var door = r.Text(a, "door", "address.door", 20);
            r.NoOthers(a, "address", ["street", "postcode", "city", "floor", "door"]);
            if (street is not null && city is not null)
            {
                address = new ResidentAddress(street, postcode, city, floor, door);
            }
        }

        var access = ResidentAccess.None;
        if (r.Object(root, "access", "access", required: false) is { } acc)
        {
            access = new ResidentAccess(
                r.Text(acc, "key_safe", "access.key_safe", 100),
                r.Code(acc, "key_safe_code", "access.key_safe_code"),
                r.Code(acc, "door_code", "access.door_code"),
                r.Text(acc, "notes", "access.notes", 300, lineBreaks: true));
            r.NoOthers(acc, "access", ["key_safe", "key_safe_code", "door_code", "notes"]);
        }

        var kin = new List<ResidentContact>();
        if (root.TryGetProperty("next_of_kin", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                problems.Add(new FieldProblem("next_of_kin", "'next_of_kin' must be a list of {name, relation, phone}, in the order to call them"));
            }
            else if (list.GetArrayLength() > MaxNextOfKin)
            {
                problems.Add(new FieldProblem("next_of_kin", $"at most {MaxNextOfKin} next of kin, got {list.GetArrayLength()}"));
            }
            else
            {
                var i = 0;
                foreach (var k in list.EnumerateArray())
                {
                    var path = $"next_of_kin[{i++}]";
                    if (k.ValueKind != JsonValueKind.Object)
                    {
                        problems.Add(new FieldProblem(path, $"'{path}' must be an object {{name, relation, phone, sms}}"));
                        continue;
                    }

                    var kn = r.Text(k, "name", path + ".name", 100, required: true);
                    var rel = r.Text(k, "relation", path + ".relation", 40, required: true);
                    var kp = r.Phone(k, "phone", path + ".phone", required: true);
                    var sms = r.Bool(k, "sms", path + ".sms");
                    r.NoOthers(k, path, ["name", "relation", "phone", "sms"]);
                    if (kn is not null && rel is not null && kp is not null)
                    {
                        kin.Add(new ResidentContact(kn, rel, kp, sms));
                    }
                }
            }
        }

        ResidentContact? gp = null;
        if (r.Object(root, "gp", "gp", required: false) is { } g)
        {
            var gn = r.Text(g, "name", "gp.name", 100, required: true);
            var gph = r.Phone(g, "phone", "gp.phone", required: true);
            r.NoOthers(g, "gp", ["name", "phone"]);
            if (gn is not null && gph is not null)
            {
                gp = new ResidentContact(gn, null, gph);
            }
        }

        var care = r.Text(root, "care_notes", "care_notes", 1000, lineBreaks: true);
        var zone = r.Text(root, "zone", "zone", 40);
        if (zone is not null && ZoneNames.Validate(zone) is { } bad)
        {
            problems.Add(new FieldProblem("zone", bad));
        }

        var rule = ReadSmsRule(root, r, problems, kin);
        return problems.Count > 0 || name is null || address is null
            ? (null, problems)
            : (new ResidentRecord(name, born, language, phone, address, access, kin, gp, care, zone, rule), problems);
    }

    // "sms": {"untaken_minutes": 10, "on_clear": ["taken to hospital"]}: a rule nobody is marked for, or kin marked with no
    // rule, is refused rather than stored, since either way the coordinator believes the family will hear and it will not.
    private static KinSmsRule? ReadSmsRule(JsonElement root, Reader r, List<FieldProblem> problems, List<ResidentContact> kin)
    {
        var marked = kin.Any(k => k.Sms);
        if (r.Object(root, "sms", "sms", required: false) is not { } s)
        {
            if (marked && problems.Count == 0)
            {
                problems.Add(new FieldProblem("sms", "next of kin are marked for SMS but 'sms' does not say when: give untaken_minutes, on_clear or both"));
            }

            return null;
        }

        int? minutes = null;
        if (s.TryGetProperty("untaken_minutes", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind != JsonValueKind.Number || !m.TryGetInt32(out var n) || n is < 1 or > KinSmsRule.MaxUntakenMinutes)
            {
                problems.Add(new FieldProblem("sms.untaken_minutes", $"'sms.untaken_minutes' must be a whole number of minutes from 1 to {KinSmsRule.MaxUntakenMinutes}, or null; got {PrintableText.Of(m.GetRawText(), 20)}"));
            }
            else
            {
                minutes = n;
            }
        }

        var onClear = new List<string>();
        if (s.TryGetProperty("on_clear", out var c) && c.ValueKind != JsonValueKind.Null)
        {
            var known = string.Join(", ", Archive.ClearReasons.All.Select(x => $"'{x}'"));
            if (c.ValueKind != JsonValueKind.Array)
            {
                problems.Add(new FieldProblem("sms.on_clear", $"'sms.on_clear' must be a list of clear reasons: {known}"));
            }
            else
            {
                var i = 0;
                foreach (var e in c.EnumerateArray())
                {
                    var reason = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                    if (reason is null || !Archive.ClearReasons.All.Contains(reason))
                    {
                        problems.Add(new FieldProblem($"sms.on_clear[{i}]", $"'sms.on_clear[{i}]' must be one of {known}; got {PrintableText.Of(e.GetRawText(), 40)}"));
                    }
                    else if (!onClear.Contains(reason))
                    {
                        onClear.Add(reason);
                    }

                    i++;
                }
            }
        }

        r.NoOthers(s, "sms", ["untaken_minutes", "on_clear"]);
        if (minutes is null && onClear.Count == 0)
        {
            if (marked && problems.Count == 0)
            {
                problems.Add(new FieldProblem("sms", "next of kin are marked for SMS but 'sms' does not say when: give untaken_minutes, on_clear or both"));
            }

            return null;
        }

        if (!marked && problems.Count == 0)
        {
            problems.Add(new FieldProblem("sms", "'sms' says when to send but no next of kin is marked for it: set 'sms': true on whom to tell"));
        }

        return new KinSmsRule(minutes, onClear);
    }

    /// <summary><paramref name="record"/> as one JSON object in UTF-8: what the archive seals.</summary>
    public static byte[] ToUtf8(ResidentRecord record) => CentreJson.Write(w =>
    {
        w.WriteStartObject();
        WriteFields(w, record);
        w.WriteEndObject();
    });

    /// <summary>Writes <paramref name="record"/> as an object's properties (the caller opens and closes the object).</summary>
    public static void WriteFields(Utf8JsonWriter w, ResidentRecord record)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(record);
        w.WriteString("name", record.Name);
        CentreJson.Str(w, "born", record.Born?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        CentreJson.Str(w, "language", record.Language);
        CentreJson.Str(w, "phone", record.Phone);
        w.WriteStartObject("address");
        w.WriteString("street", record.Address.Street);
        CentreJson.Str(w, "postcode", record.Address.Postcode);
        w.WriteString("city", record.Address.City);
        CentreJson.Str(w, "floor", record.Address.Floor);
        CentreJson.Str(w, "door", record.Address.Door);
        w.WriteEndObject();
        w.WriteStartObject("access");
        CentreJson.Str(w, "key_safe", record.Access.KeySafe);
        CentreJson.Str(w, "key_safe_code", record.Access.KeySafeCode);
        CentreJson.Str(w, "door_code", record.Access.DoorCode);
        CentreJson.Str(w, "notes", record.Access.Notes);
        w.WriteEndObject();
        w.WriteStartArray("next_of_kin");
        foreach (var k in record.NextOfKin)
        {
            w.WriteStartObject();
            w.WriteString("name", k.Name);
            w.WriteString("relation", k.Relation);
            w.WriteString("phone", k.Phone);
            w.WriteBoolean("sms", k.Sms);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (record.Gp is { } gp)
        {
            w.WriteStartObject("gp");
            w.WriteString("name", gp.Name);
            w.WriteString("phone", gp.Phone);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("gp");
        }

        CentreJson.Str(w, "care_notes", record.CareNotes);
        CentreJson.Str(w, "zone", record.Zone);
        if (record.Sms is { } rule)
        {
            w.WriteStartObject("sms");
            CentreJson.Num(w, "untaken_minutes", rule.UntakenMinutes);

            w.WriteStartArray("on_clear");
            foreach (var reason in rule.OnClear)
            {
                w.WriteStringValue(reason);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("sms");
        }
    }

    /// <summary>Writes the summary every operator of the zone sees, as an object.</summary>
    public static void Summary(Utf8JsonWriter w, ResidentSummary s)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(s);
        w.WriteStartObject();
        w.WriteString("name", s.Name);
        CentreJson.Num(w, "age", s.Age);

        CentreJson.Str(w, "language", s.Language);
        CentreJson.Str(w, "phone", s.Phone);
        w.WriteString("address", s.Address);
        CentreJson.Str(w, "access", s.Access);
        CentreJson.Str(w, "care_notes", s.CareNotes);
        CentreJson.Str(w, "zone", s.Zone);
        w.WriteEndObject();
    }

    [GeneratedRegex(@"^\+[0-9 ]+$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    /// <summary>Reads fields into a shared list of problems, so one answer names every bad field at once.</summary>
    private sealed class Reader(List<FieldProblem> problems)
    {
        public string? Text(JsonElement obj, string name, string path, int max, bool required = false, bool lineBreaks = false)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return Missing(path, required);
            }

            if (v.ValueKind != JsonValueKind.String)
            {
                problems.Add(new FieldProblem(path, $"'{path}' must be text, got {v.ValueKind.ToString().ToLowerInvariant()}"));
                return null;
            }

            string text;
            try
            {
                text = v.GetString()!.Trim();
            }
            catch (InvalidOperationException)
            {
                problems.Add(new FieldProblem(path, $"'{path}' has a lone UTF-16 surrogate; send text as valid Unicode"));
                return null;
            }

            if (text.Length == 0)
            {
                return Missing(path, required);
            }

            if (text.Length > max)
            {
                problems.Add(new FieldProblem(path, $"'{path}' is {text.Length} characters; at most {max}"));
                return null;
            }

            if (CentreWeb.TextProblem(text, lineBreaks) is { } bad)
            {
                problems.Add(new FieldProblem(path, $"'{path}' {bad}"));
                return null;
            }

            return text;
        }

        public string? Phone(JsonElement obj, string name, string path, bool required)
        {
            if (Text(obj, name, path, 24, required) is not { } text)
            {
                return null;
            }

            var digits = text.Count(char.IsAsciiDigit);
            if (!PhonePattern().IsMatch(text) || digits is < 8 or > 15)
            {
                problems.Add(new FieldProblem(path, $"'{path}' must be an international number: + and 8 to 15 digits, spaces allowed, e.g. +47 912 34 567; got '{PrintableText.Of(text, 30)}'"));
                return null;
            }

            return text;
        }

        public bool Bool(JsonElement obj, string name, string path)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return false;
            }

            if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                problems.Add(new FieldProblem(path, $"'{path}' must be true or false, got {v.ValueKind.ToString().ToLowerInvariant()}"));
                return false;
            }

            return v.GetBoolean();
        }

        public string? Code(JsonElement obj, string name, string path)
        {
            if (Text(obj, name, path, 20) is not { } text)
            {
                return null;
            }

            if (text.Any(char.IsWhiteSpace))
            {
                problems.Add(new FieldProblem(path, $"'{path}' must be the code alone, without spaces (write how to use it in access.notes)"));
                return null;
            }

            return text;
        }

        public DateOnly? Born(JsonElement root, DateOnly today)
        {
            if (Text(root, "born", "born", 10) is not { } text)
            {
                return null;
            }

            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var born))
            {
                problems.Add(new FieldProblem("born", $"'born' must be a date as yyyy-MM-dd, e.g. 1938-04-12; got '{PrintableText.Of(text, 20)}'"));
                return null;
            }

            if (born > today || born.Year < 1900)
            {
                problems.Add(new FieldProblem("born", $"'born' {text} is not a date of birth: between 1900-01-01 and today"));
                return null;
            }

            return born;
        }

        public JsonElement? Object(JsonElement root, string name, string path, bool required)
        {
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                Missing(path, required);
                return null;
            }

            if (v.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new FieldProblem(path, $"'{path}' must be an object"));
                return null;
            }

            return v;
        }

        public void NoOthers(JsonElement obj, string path, string[] known)
        {
            foreach (var p in obj.EnumerateObject())
            {
                if (!known.Contains(p.Name))
                {
                    problems.Add(new FieldProblem($"{path}.{PrintableText.Of(p.Name, 40)}", $"unknown field '{PrintableText.Of(p.Name, 40)}' in '{path}'; it has {string.Join(", ", known)}"));
                }
            }
        }

        private string? Missing(string path, bool required)
        {
            if (required)
            {
                problems.Add(new FieldProblem(path, $"'{path}' is required"));
            }

            return null;
        }
    }
}
