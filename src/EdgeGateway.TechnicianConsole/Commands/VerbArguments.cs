using System.Globalization;
using EdgeGateway.TechnicianConsole.Services;

namespace EdgeGateway.TechnicianConsole.Commands;

/// <summary>The argument checks every verb shares, so their usage errors read alike.</summary>
internal static class VerbArguments
{
    /// <summary>Throws with <c>expected USAGE</c> unless there are <paramref name="min"/> to <paramref name="max"/> arguments.</summary>
    public static void Expect(IReadOnlyList<string> args, int min, int max, string usage)
    {
        if (args.Count < min || args.Count > max)
        {
            throw new CommandUsageException($"expected {usage}");
        }
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>]; the error names <paramref name="what"/> and the range.</summary>
    public static int ParseInt(string text, int min, int max, string what)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new CommandUsageException($"{what} '{text}': expected a whole number from {min} to {max}");
        }

        return value;
    }

    /// <summary>The configured sensor named <paramref name="id"/> (any case); the error lists the ones there are.</summary>
    public static SensorInfo FindSensor(ICommandContext ctx, string id)
    {
        var sensors = ctx.Services.Sensors.List();
        return sensors.FirstOrDefault(s => s.SensorId.Equals(id, StringComparison.OrdinalIgnoreCase))
            ?? throw new CommandUsageException($"no sensor '{id}': expected one of {(sensors.Count == 0 ? "(none configured)" : string.Join(", ", sensors.Select(s => s.SensorId)))}");
    }
}
