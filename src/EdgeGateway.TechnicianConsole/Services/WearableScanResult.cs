namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>A scan's outcome: the wearables found (strongest first), or why there was no scan.</summary>
/// <param name="Ok">True when the scan ran (it may have found nothing).</param>
/// <param name="Message">Why it failed (no adapter, bluetoothd missing…); a summary otherwise.</param>
/// <param name="Found">The wearables found, strongest signal first.</param>
public sealed record WearableScanResult(bool Ok, string Message, IReadOnlyList<WearableCandidate> Found);
