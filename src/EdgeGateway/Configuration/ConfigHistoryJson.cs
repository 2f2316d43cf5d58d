using System.Text.Json.Serialization;

namespace EdgeGateway.Configuration;

/// <summary>The history file is JSON lines: one compact entry per line, so it is appended and read line by line.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ConfigVersion))]
internal sealed partial class ConfigHistoryJson : JsonSerializerContext;
