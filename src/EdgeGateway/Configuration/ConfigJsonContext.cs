using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EdgeGateway.Configuration;

/// <summary>The source-generated JSON contract of the store, so it trims.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ConfigVersion))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
