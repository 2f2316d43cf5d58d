namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>A pairing's outcome.</summary>
/// <param name="Ok">True when the wearable is paired and trusted.</param>
/// <param name="Message">What happened; on failure BlueZ's error name and message, or what is missing.</param>
public sealed record WearablePairResult(bool Ok, string Message);
