using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeGateway.Configuration;

// Keys are snake_case so a dotted path (devices.contacts.0.debounce) is the same in the file, on the console and in
// the centre's config.set command. The config types use { get; set; }, not init: the source generator sets every init-only property in its object
// initializer, so a key left out of the file would silently become 0/null instead of its documented default.
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GatewayConfig))]
internal sealed partial class GatewayConfigJson : JsonSerializerContext;
