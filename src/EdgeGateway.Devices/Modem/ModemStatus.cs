using UnitsNet;

namespace EdgeGateway.Devices.Modem;

/// <summary>What ModemManager reports of the 4G modem (the secondary path), as <c>mmcli -J</c> prints it; absent values ("--") are null.</summary>
public sealed record ModemStatus
{
    /// <summary>The modem's state: failed, locked, disabled, enabled, searching, registered, connected…</summary>
    public required string State { get; init; }

    /// <summary>Why the modem is in state <c>failed</c>: sim-missing, sim-error, unknown…; null otherwise.</summary>
    public string? FailedReason { get; init; }

    /// <summary>The lock that must be opened before the modem works (sim-pin, sim-puk, ph-net-pin…); null when none.</summary>
    /// <remarks>sim-pin2 and sim-puk2 guard only the SIM's fixed-dialling list, so a working modem often reports one; they are not a lock here.</remarks>
    public string? UnlockRequired { get; init; }

    /// <summary>The 3GPP registration: home, roaming, searching, denied, idle, unknown…; null when the modem has none yet.</summary>
    public string? Registration { get; init; }

    /// <summary>The network operator's name.</summary>
    public string? Operator { get; init; }

    /// <summary>The access technologies in use (lte, umts, gsm…).</summary>
    public IReadOnlyList<string> AccessTechnologies { get; init; } = [];

    /// <summary>ModemManager's signal quality (0–100 %).</summary>
    public Ratio? SignalQuality { get; init; }

    /// <summary>LTE reference signal received power.</summary>
    public PowerRatio? LteRsrp { get; init; }

    /// <summary>LTE reference signal received quality.</summary>
    public Level? LteRsrq { get; init; }

    /// <summary>LTE signal-to-noise ratio.</summary>
    public Level? LteSnr { get; init; }

    /// <summary>How often ModemManager refreshes the extended signal values; zero when polling is off and they read "--".</summary>
    public TimeSpan SignalRefresh { get; init; }

    /// <summary>True when a PIN or PUK (or a network lock) keeps the modem from working.</summary>
    public bool IsLocked => State == "locked" || UnlockRequired is not (null or "sim-pin2" or "sim-puk2");

    /// <summary>True when the modem is registered on a network it can carry data over.</summary>
    public bool IsRegistered => Registration is { } r
        ? r is "home" or "roaming" or "home-csfb-not-preferred" or "roaming-csfb-not-preferred"
        : State is "registered" or "connecting" or "connected" or "disconnecting";
}
