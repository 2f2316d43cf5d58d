namespace EdgeGateway.Centre;

/// <summary>What became of a command sent to a gateway.</summary>
/// <param name="CommandId">The command's id.</param>
/// <param name="Status"><c>ok</c>, <c>error</c> (the gateway refused; see the reply), <c>no_reply</c> (none within the timeout) or <c>not_sent</c> (no broker).</param>
/// <param name="Reply">The gateway's reply as JSON, when one came.</param>
public sealed record CommandOutcome(string CommandId, string Status, string? Reply);
