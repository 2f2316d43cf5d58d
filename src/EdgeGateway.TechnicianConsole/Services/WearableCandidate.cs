namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>A wearable a scan found.</summary>
/// <param name="Address">Its Bluetooth address.</param>
/// <param name="Name">Its advertised name, if known.</param>
/// <param name="Rssi">Its signal strength in dBm when heard in this scan; null when BlueZ only remembered it.</param>
/// <param name="Paired">Already paired with this gateway.</param>
public sealed record WearableCandidate(string Address, string? Name, int? Rssi, bool Paired);
