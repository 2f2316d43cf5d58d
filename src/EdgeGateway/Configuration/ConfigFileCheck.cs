using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Configuration;

/// <summary>
/// Checks a config file's text against the shape of <see cref="GatewayConfig"/> (its source-generated JSON metadata) and
/// lists every problem at once, each with its key, line and column: unknown keys with the keys known there, values of the
/// wrong kind with what was expected and what was found. The deserializer stops at the first such problem and names .NET
/// types; a technician needs all of them, in the file's words.
/// </summary>
internal sealed class ConfigFileCheck
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private readonly byte[] _utf8;
    private readonly List<int> _lineStarts = [0];
    private readonly Dictionary<ConfigKey, (int Line, int Column)> _positions = [];
    private readonly List<ConfigIssue> _issues = [];
    private readonly List<(ConfigKey Path, bool WantsObject)> _broken = [];
    private readonly ConfigSecrets _secrets;

    private ConfigFileCheck(string json, ConfigSecrets secrets)
    {
        _utf8 = Encoding.UTF8.GetBytes(json);
        _secrets = secrets;
        for (var i = 0; i < _utf8.Length; i++)
        {
            if (_utf8[i] == (byte)'\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    /// <summary>The structural problems of <paramref name="json"/>; <paramref name="cleaned"/> is the file without the offending keys (for the checks of values), or null when the text is not JSON.</summary>
    public static ConfigFileCheck Run(string json, ConfigSecrets secrets, out JsonNode? cleaned)
    {
        var check = new ConfigFileCheck(json, secrets);
        cleaned = null;
        if (!check.MapPositions())
        {
            return check;
        }

        using (var doc = JsonDocument.Parse(check._utf8, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }))
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                check.Add(ConfigKey.Root, ConfigKey.Root, $"expected a JSON object {{ … }} at the top level, found {check.Describe(doc.RootElement, ConfigKey.Root)}");
                return check;
            }

            check.Walk(doc.RootElement, GatewayConfigJson.Default.GatewayConfig, ConfigKey.Root);
        }

        cleaned = check.Clean(json);
        return check;
    }

    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<ConfigIssue> Issues => [.. _issues.OrderBy(i => i.Line ?? int.MaxValue).ThenBy(i => i.Column ?? 0)];

    /// <summary>True when the file spells out <paramref name="key"/> (a key or an array item).</summary>
    public bool Has(ConfigKey key) => _positions.ContainsKey(key);

    /// <summary>True when <paramref name="key"/> is, or lies inside, a key already reported as broken (its value was not read).</summary>
    public bool IsBroken(ConfigKey key) => _broken.Any(b => key.IsWithin(b.Path));

    /// <summary><paramref name="issue"/> with the line and column of its key, or of its nearest enclosing key the file has (where a missing key belongs).</summary>
    public ConfigIssue Locate(ConfigIssue issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        for (var key = issue.Key; !key.IsRoot; key = key.Parent)
        {
            if (_positions.TryGetValue(key, out var at))
            {
                return issue with { Line = at.Line, Column = at.Column };
            }
        }

        return issue;
    }

    /// <summary>Pass 1: the line and column of every key and array item; false (with the issue) when the text is not JSON.</summary>
    private bool MapPositions()
    {
        var reader = new Utf8JsonReader(_utf8, ReaderOptions);
        var frames = new List<(ConfigKey Path, bool IsArray, int Next)>();
        var pendingKey = ConfigKey.Root;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        var key = frames[^1].Path.Then(name);
                        var at = Position(checked((int)reader.TokenStartIndex));
                        if (!_positions.TryAdd(key, at))
                        {
                            Add(key, at, $"appears twice in one object (first on line {_positions[key].Line}); remove one, or the last would silently win");
                        }

                        pendingKey = key;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    default:
                        var path = ValuePath(frames, pendingKey, checked((int)reader.TokenStartIndex));
                        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                        {
                            frames.Add((path, reader.TokenType == JsonTokenType.StartArray, 0));
                        }

                        break;
                }
            }

            return true;
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0);
            var lineStart = line < _lineStarts.Count ? _lineStarts[line] : _utf8.Length;
            var bytes = (int)Math.Clamp(ex.BytePositionInLine ?? 0, 0, _utf8.Length - lineStart);
            var message = ex.Message.Split(" LineNumber:", 2)[0].Split(" Path:", 2)[0].Trim();
            _issues.Add(new ConfigIssue(ConfigKey.Root, $"not valid JSON: {message}") { Line = line + 1, Column = Encoding.UTF8.GetCharCount(_utf8, lineStart, bytes) + 1 });
            return false;
        }
    }

    private ConfigKey ValuePath(List<(ConfigKey Path, bool IsArray, int Next)> frames, ConfigKey pendingKey, int tokenStart)
    {
        if (frames.Count == 0)
        {
            return ConfigKey.Root;
        }

        var top = frames[^1];
        if (!top.IsArray)
        {
            return pendingKey;
        }

        var path = top.Path.Then(top.Next);
        frames[^1] = top with { Next = top.Next + 1 };
        _positions.TryAdd(path, Position(tokenStart));
        return path;
    }

    /// <summary>Pass 2: the values against the config's shape.</summary>
    private void Walk(JsonElement element, JsonTypeInfo info, ConfigKey path)
    {
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when element.ValueKind != JsonValueKind.Object:
                Broken(path, $"expected {Expected(info)}, found {Describe(element, path)}", wantsObject: true);
                break;
            case JsonTypeInfoKind.Object:
                var known = info.Properties.Where(p => p.Set is not null).ToList();
                foreach (var member in element.EnumerateObject())
                {
                    var key = path.Then(member.Name);
                    var property = known.FirstOrDefault(p => p.Name == member.Name);
                    if (property is null)
                    {
                        _broken.Add((key, false));
                        Add(path, key, $"unknown key '{member.Name}' (known here: {string.Join(", ", known.Select(p => p.Name))})");
                    }
                    else if (member.Value.ValueKind == JsonValueKind.Null)
                    {
                        if (!property.IsSetNullable)
                        {
                            Broken(key, $"expected {Expected(Info(property.PropertyType))}, found null (leave the key out for its default)", wantsObject: false);
                        }
                    }
                    else if (property.CustomConverter is null)
                    {
                        Walk(member.Value, Info(property.PropertyType), key);
                    }
                }

                break;
            case JsonTypeInfoKind.Enumerable when element.ValueKind != JsonValueKind.Array:
                Broken(path, $"expected {Expected(info)}, found {Describe(element, path)}", wantsObject: false);
                break;
            case JsonTypeInfoKind.Enumerable when info.ElementType is { } elementType:
                var item = Info(elementType);
                var i = 0;
                foreach (var child in element.EnumerateArray())
                {
                    Walk(child, item, path.Then(i++));
                }

                break;
            default:
                try
                {
                    _ = JsonSerializer.Deserialize(element, info);
                }
                catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException)
                {
                    Broken(path, $"expected {Expected(info)}, found {Describe(element, path)}", wantsObject: false);
                }

                break;
        }
    }

    private static JsonTypeInfo Info(Type type) =>
        GatewayConfigJson.Default.GetTypeInfo(type) ?? throw new InvalidOperationException($"no JSON metadata for a config member of type {type.Name}");

    /// <summary>What a value of this shape looks like, in the technician's words.</summary>
    private static string Expected(JsonTypeInfo info)
    {
        if (info.Kind == JsonTypeInfoKind.Object)
        {
            return "an object { … }";
        }

        if (info.Kind == JsonTypeInfoKind.Enumerable)
        {
            return "a list [ … ]";
        }

        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        if (type.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(type).Select(n => $"\"{n}\""))}";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.String => "text in quotes",
            TypeCode.Boolean => "true or false",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 => "a whole number",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            _ when type == typeof(TimeSpan) => "a duration \"hh:mm:ss\" such as \"00:05:00\"",
            _ when type == typeof(TimeOnly) => "a time of day \"HH:mm\" such as \"23:00\"",
            _ => "a value of another kind",
        };
    }

    /// <summary>What the file has, without ever echoing a secret and clipped to a few characters.</summary>
    private string Describe(JsonElement element, ConfigKey path) =>
        _secrets.IsSecret(path.ToString()) ? $"{Kind(element)} (not shown: it is a secret)" : element.ValueKind switch
        {
            JsonValueKind.String => $"\"{Clip(element.GetString()!)}\"",
            JsonValueKind.Number => Clip(element.GetRawText()),
            JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => element.GetRawText(),
            _ => Kind(element),
        };

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => "text",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "a list [ … ]",
        _ => "an object { … }",
    };

    private static string Clip(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");

    private void Broken(ConfigKey path, string problem, bool wantsObject)
    {
        _broken.Add((path, wantsObject));
        Add(path, path, problem);
    }

    private void Add(ConfigKey path, ConfigKey at, string problem) =>
        _issues.Add(Locate(new ConfigIssue(at, problem)) with { Key = path });

    private void Add(ConfigKey path, (int Line, int Column) at, string problem) =>
        _issues.Add(new ConfigIssue(path, problem) { Line = at.Line, Column = at.Column });

    /// <summary>The file without its broken keys, so that the checks of values can still run on the rest.</summary>
    private JsonNode? Clean(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }

        foreach (var (path, wantsObject) in _broken.OrderByDescending(p => p.Path.ToString(), StringComparer.Ordinal))
        {
            var segments = path.Segments;
            JsonNode? parent = root;
            foreach (var segment in segments.Take(segments.Count - 1))
            {
                parent = parent switch
                {
                    JsonObject o => o[segment],
                    JsonArray a when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < a.Count => a[n],
                    _ => null,
                };
            }

            switch (parent)
            {
                case JsonObject o:
                    o.Remove(segments[^1]);
                    break;
                case JsonArray a when wantsObject && int.TryParse(segments[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < a.Count:
                    // Removing would renumber the items after it, and their problems would name the wrong index.
                    a[n] = new JsonObject();
                    break;
                case JsonArray:
                    // A list of plain values with a bad item: its checks could only trip over the hole; the issue is listed.
                    return null;
                default:
                    break;
            }
        }

        return root;
    }

    private (int Line, int Column) Position(int offset)
    {
        var line = _lineStarts.BinarySearch(offset);
        line = line >= 0 ? line : ~line - 1;
        return (line + 1, Encoding.UTF8.GetCharCount(_utf8, _lineStarts[line], offset - _lineStarts[line]) + 1);
    }
}
