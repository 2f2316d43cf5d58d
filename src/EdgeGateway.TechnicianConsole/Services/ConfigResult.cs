namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>The outcome of a configuration command: lines to print and whether it succeeded.</summary>
/// <param name="Ok">True on success.</param>
/// <param name="Lines">What to print; on failure each line names the key and the problem.</param>
public sealed record ConfigResult(bool Ok, IReadOnlyList<string> Lines)
{
    /// <summary>A success with lines to show.</summary>
    public static ConfigResult Success(params string[] lines) => new(true, lines);

    /// <summary>A failure with its reasons.</summary>
    public static ConfigResult Failure(params string[] lines) => new(false, lines);
}
