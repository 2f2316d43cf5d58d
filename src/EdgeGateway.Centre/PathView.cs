using EdgeGateway.Centre.Archive;

namespace EdgeGateway.Centre;

/// <summary>One path of a two-path gateway as the centre sees it (docs/operations.md, "Two paths").</summary>
/// <param name="Name">The path: <c>primary</c> or <c>secondary</c>.</param>
/// <param name="State">One of <see cref="PathStates"/>.</param>
/// <param name="Status">The path's last status message: <c>online</c> (birth) or <c>offline</c> (will or goodbye).</param>
/// <param name="StatusAt">When that message arrived.</param>
public sealed record PathView(string Name, string State, string Status, DateTimeOffset StatusAt);
