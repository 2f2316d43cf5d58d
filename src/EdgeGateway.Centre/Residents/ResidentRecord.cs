namespace EdgeGateway.Centre.Residents;

/// <summary>Who lives in a home and how a nurse gets in and whom she calls (issue 29); kept sealed in the archive.</summary>
/// <param name="Name">The resident's name.</param>
/// <param name="Born">Date of birth, or null.</param>
/// <param name="Language">The language to speak to her in, or null.</param>
/// <param name="Phone">Her phone, international form, or null.</param>
/// <param name="Address">Where the home is.</param>
/// <param name="Access">How to get in (codes shown only to the nurse who took an open alarm).</param>
/// <param name="NextOfKin">Next of kin, in the order to call them.</param>
/// <param name="Gp">Her general practitioner, or null.</param>
/// <param name="CareNotes">What a nurse must know first, e.g. "hard of hearing", or null.</param>
/// <param name="Zone">The home-care zone responsible for the home, or null.</param>
/// <param name="Sms">When the next of kin marked for it are told by SMS, or null: never.</param>
public sealed record ResidentRecord(
    string Name,
    DateOnly? Born,
    string? Language,
    string? Phone,
    ResidentAddress Address,
    ResidentAccess Access,
    IReadOnlyList<ResidentContact> NextOfKin,
    ResidentContact? Gp,
    string? CareNotes,
    string? Zone,
    KinSmsRule? Sms = null);
