namespace EdgeGateway.TechnicianConsole.Engine;

/// <summary>What a keystroke produced.</summary>
public enum LineEventKind
{
    /// <summary>A complete, clean line (Enter).</summary>
    Line,

    /// <summary>A line that was rejected (too long, invalid UTF-8, control characters); the text is the one-line reason.</summary>
    Rejected,

    /// <summary>Ctrl-C: the current line was dropped.</summary>
    Interrupt,
}
