using System.Text.Json.Nodes;
using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Configuration;

/// <summary>Checks a change from the <paramref name="applied"/> configuration to <paramref name="candidate"/>: what only the pair shows (a help input taken away, a new data directory to try).</summary>
public delegate IEnumerable<ConfigIssue> ConfigChangeCheck(JsonObject applied, JsonObject candidate);
