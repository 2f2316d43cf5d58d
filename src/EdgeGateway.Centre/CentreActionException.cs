namespace EdgeGateway.Centre;

/// <summary>Why an operator action was refused.</summary>
public sealed class CentreActionException(int status, string field, string message) : Exception(message)
{
    /// <summary>The HTTP status that fits: 404 not found, 409 conflict.</summary>
    public int Status { get; } = status;

    /// <summary>The field the refusal is about.</summary>
    public string Field { get; } = field;
}
