namespace EdgeGateway.Centre.Residents;

/// <summary>When a home's next of kin marked <see cref="ResidentContact.Sms"/> are told of an alarm by SMS (issue 30); set by a coordinator.</summary>
/// <param name="UntakenMinutes">Once a care alarm has waited this long with no nurse taking it; null: not for that.</param>
/// <param name="OnClear">The clear reasons (<see cref="Archive.ClearReasons"/>) that are sent when a nurse clears with one, e.g. "taken to hospital".</param>
public sealed record KinSmsRule(int? UntakenMinutes, IReadOnlyList<string> OnClear)
{
    /// <summary>The longest wait a rule may name: past it a nurse has long since phoned the family herself.</summary>
    public const int MaxUntakenMinutes = 240;
}
