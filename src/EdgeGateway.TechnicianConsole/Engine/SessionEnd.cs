namespace EdgeGateway.TechnicianConsole.Engine;

/// <summary>Why a session ended.</summary>
public enum SessionEnd
{
    /// <summary>The terminal went away (EOF, pulled cable, socat gone).</summary>
    Disconnected,

    /// <summary>The console was stopped by the host.</summary>
    Stopped,
}
