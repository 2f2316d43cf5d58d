using System.Text.Json;

namespace EdgeGateway.Centre.Rollouts;

/// <summary>Sends one command to a gateway and says what became of it (the centre's command round trip).</summary>
public delegate Task<CommandOutcome> RolloutSender(string gateway, string type, string by, Action<Utf8JsonWriter> args, CancellationToken cancellationToken);
