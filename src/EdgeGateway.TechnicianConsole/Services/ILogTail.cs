namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>Implemented by the host: recent log lines (a ring buffer fed by the logging pipeline).</summary>
public interface ILogTail
{
    /// <summary>The last <paramref name="count"/> lines, oldest first.</summary>
    IReadOnlyList<string> Recent(int count);
}
