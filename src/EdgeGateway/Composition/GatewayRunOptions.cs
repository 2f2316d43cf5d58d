namespace EdgeGateway.Composition;

/// <summary>How <c>run</c> was asked to run: data dir (config or command line), config path, optional console.</summary>
internal sealed record GatewayRunOptions(string DataDir, string ConfigPath, string? Console);
