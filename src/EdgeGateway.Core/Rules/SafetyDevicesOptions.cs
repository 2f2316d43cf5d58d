using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>The home's other safety devices (medication dispenser, smoke detector, stove guard): what is configurable about their events.</summary>
public sealed record SafetyDevicesOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "SafetyDevices";

    /// <summary>SCAIP priority (0 highest – 9) of a missed dose; the default sits below a fall.</summary>
    public int DoseMissedPriority { get; set; } = CareEventCatalog.Get(CareEventKind.DoseMissed).Priority;

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        if (DoseMissedPriority is < 0 or > 9)
        {
            errors.Add(new(at.Field(nameof(DoseMissedPriority)), OptionChecks.Invariant($"must be a SCAIP priority 0 (highest) to 9 (was {DoseMissedPriority}); a fall is {CareEventCatalog.Get(CareEventKind.Fall).Priority}")));
        }

        return errors;
    }
}
