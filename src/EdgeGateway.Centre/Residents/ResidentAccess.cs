namespace EdgeGateway.Centre.Residents;

/// <summary>How a nurse gets into the home; every part optional.</summary>
/// <param name="KeySafe">Where the key safe is.</param>
/// <param name="KeySafeCode">The key safe's code.</param>
/// <param name="DoorCode">The entrance door's code.</param>
/// <param name="Notes">How to enter, e.g. "ring twice, the dog is friendly".</param>
public sealed record ResidentAccess(string? KeySafe, string? KeySafeCode, string? DoorCode, string? Notes)
{
    /// <summary>Nothing recorded.</summary>
    public static ResidentAccess None { get; } = new(null, null, null, null);

    /// <summary>What every operator of the home's zone may see: where and what, never a code; null when nothing is recorded.</summary>
    public string? Summary()
    {
        var parts = new List<string>();
        if (KeySafe is not null)
        {
            parts.Add("key safe: " + KeySafe);
        }
        else if (KeySafeCode is not null)
        {
            parts.Add("key safe");
        }

        if (DoorCode is not null)
        {
            parts.Add("door code");
        }

        if (Notes is not null)
        {
            parts.Add(Notes);
        }

        return parts.Count == 0 ? null : string.Join(" · ", parts);
    }
}
