namespace EdgeGateway.Centre.Archive;

/// <summary>The last status one path of a two-path gateway published on <c>…/status/{path}</c>: its birth, will or goodbye.</summary>
/// <param name="Name">The path: <c>primary</c> or <c>secondary</c>.</param>
/// <param name="Status"><see cref="GatewayStates.Online"/> (birth) or <see cref="GatewayStates.Offline"/> (will or goodbye).</param>
/// <param name="BootId">The boot that published it.</param>
/// <param name="StatusAt">When the centre received it.</param>
public sealed record GatewayPath(string Name, string Status, Guid BootId, DateTimeOffset StatusAt);
