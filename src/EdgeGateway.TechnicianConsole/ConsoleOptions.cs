namespace EdgeGateway.TechnicianConsole;

/// <summary>Settings of the technician console.</summary>
public sealed record ConsoleOptions
{
    /// <summary>The technician PIN as stored in the config (<c>pbkdf2-sha256$…</c>, see <see cref="Security.PinHash"/>).</summary>
    public required string PinHash { get; init; }

    /// <summary>A logged-in session that sees no input this long is logged out.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long each step of a walk-test waits for the technician.</summary>
    public TimeSpan WalkTestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long <c>wearable pair</c> scans for wearables (a Puck.js advertises about every 0.4 s; this hears it through a busy 2.4 GHz band).</summary>
    public TimeSpan WearableScanTime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <c>test alarm</c> waits for the centre's acknowledgement.</summary>
    public TimeSpan TestAlarmTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Start with ANSI colours on (the host sets it only when the terminal asks, e.g. TERM=xterm-256color on stdin).</summary>
    public bool Color { get; init; }

    /// <summary>Wrong PINs allowed before the growing delay starts.</summary>
    public int FreeLoginAttempts { get; init; } = 3;

    /// <summary>The longest lockout after repeated wrong PINs.</summary>
    public TimeSpan MaxLockout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The first line printed, e.g. "EdgeGateway home-0042 technician console".</summary>
    public string Banner { get; init; } = "EdgeGateway technician console";
}
