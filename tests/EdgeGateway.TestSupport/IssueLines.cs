using EdgeGateway.Core.Configuration;

namespace EdgeGateway.TestSupport;

/// <summary>Config issues as the lines a technician reads, for assertions on the rendered text.</summary>
public static class IssueLines
{
    /// <summary>Each issue rendered once, as <see cref="ConfigIssue.ToString"/> does.</summary>
    public static IReadOnlyList<string> Lines(this IEnumerable<ConfigIssue> issues) => [.. issues.Select(i => i.ToString())];
}
