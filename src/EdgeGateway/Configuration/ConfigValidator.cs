using System.Text.Json.Nodes;
using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Configuration;

/// <summary>Checks a whole candidate configuration before it is applied (the host registers devices, rules, uplink validators).</summary>
public delegate IEnumerable<ConfigIssue> ConfigValidator(JsonObject candidate);
