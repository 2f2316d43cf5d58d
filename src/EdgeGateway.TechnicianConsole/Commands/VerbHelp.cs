namespace EdgeGateway.TechnicianConsole.Commands;

/// <summary>What <c>help</c> shows of a verb.</summary>
/// <param name="Name">The word the technician types, e.g. <c>config</c>.</param>
/// <param name="Usage">The usage line <c>help CMD</c> shows; also the "expected" part of the verb's usage errors.</param>
/// <param name="Summary">The one line <c>help</c> shows beside the name.</param>
/// <param name="Details">The explanation under <c>help CMD</c>'s usage; lines separated by '\n'.</param>
internal sealed record VerbHelp(string Name, string Usage, string Summary, string Details);
