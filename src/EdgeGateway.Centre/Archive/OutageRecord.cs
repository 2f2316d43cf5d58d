namespace EdgeGateway.Centre.Archive;

/// <summary>
/// A mass outage: many homes of one home-care zone gone quiet (offline or silent) together, shown to the duty centre as one
/// incident with a count instead of one alarm per home, so a regional power or network cut does not bury the one fall.
/// </summary>
/// <param name="Id">The incident's id.</param>
/// <param name="Zone">The home-care zone; empty for homes without a resident record (no zone).</param>
/// <param name="State"><see cref="OutageStates.Open"/> or <see cref="OutageStates.Closed"/>.</param>
/// <param name="Since">The earliest moment one of its homes went quiet (its will, or its last heartbeat).</param>
/// <param name="OpenedAt">When the centre opened the incident.</param>
/// <param name="ClosedAt">When it closed (every home back, or returns settled).</param>
/// <param name="Homes">Homes in it.</param>
/// <param name="Returned">Homes of it that came back.</param>
/// <param name="LastReturnAt">When the last of them came back.</param>
/// <param name="Summary">The closing line: how many returned and which did not.</param>
public sealed record OutageRecord(
    string Id, string Zone, string State, DateTimeOffset Since, DateTimeOffset OpenedAt, DateTimeOffset? ClosedAt, int Homes, int Returned, DateTimeOffset? LastReturnAt, string? Summary)
{
    /// <summary>Still open.</summary>
    public bool IsOpen => State == OutageStates.Open;
}

/// <summary>The states of an <see cref="OutageRecord"/>.</summary>
public static class OutageStates
{
    /// <summary>Homes are still out, or returning.</summary>
    public const string Open = "open";

    /// <summary>Every home came back, or the returns settled; the homes still out have their own alarms.</summary>
    public const string Closed = "closed";
}

/// <summary>One home in a mass outage.</summary>
/// <param name="Outage">The incident's id.</param>
/// <param name="Gateway">The home's gateway.</param>
/// <param name="Kind"><c>offline</c> (its will) or <c>silent</c> (its heartbeats stopped).</param>
/// <param name="QuietSince">Its will's time or its last heartbeat's.</param>
/// <param name="ReturnedAt">When it came back, if it did.</param>
public sealed record OutageHome(string Outage, string Gateway, string Kind, DateTimeOffset QuietSince, DateTimeOffset? ReturnedAt);
