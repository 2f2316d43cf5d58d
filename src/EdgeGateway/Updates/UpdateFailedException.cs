namespace EdgeGateway.Updates;

/// <summary>An update step failed before the switch: <see cref="Stage"/> (download, verify, unpack) and the message go into <c>technical.update-failed</c>.</summary>
internal sealed class UpdateFailedException(string stage, string reason, Exception? inner = null) : Exception(reason, inner)
{
    /// <summary>The step that failed: download, verify, unpack (before the switch) or gate, start (after it).</summary>
    public string Stage { get; } = stage;
}
