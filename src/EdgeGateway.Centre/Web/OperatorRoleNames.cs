namespace EdgeGateway.Centre.Web;

/// <summary>The names of <see cref="OperatorRoles"/> as the accounts file, the CLI and the API write them (nurse, coordinator, technician, auditor).</summary>
public static class OperatorRoleNames
{
    private static readonly (OperatorRoles Role, string Name)[] Table =
    [
        (OperatorRoles.Nurse, "nurse"),
        (OperatorRoles.Coordinator, "coordinator"),
        (OperatorRoles.Technician, "technician"),
        (OperatorRoles.Auditor, "auditor"),
    ];

    /// <summary>The valid names, comma separated, for error messages.</summary>
    public static string Valid { get; } = string.Join(", ", Table.Select(t => t.Name));

    /// <summary>The single role called <paramref name="name"/>, or null when there is none.</summary>
    public static OperatorRoles? Of(string name)
    {
        foreach (var (role, n) in Table)
        {
            if (string.Equals(n, name, StringComparison.Ordinal))
            {
                return role;
            }
        }

        return null;
    }

    /// <summary>Reads a comma-separated list such as <c>nurse,technician</c>.</summary>
    /// <exception cref="FormatException">The list is empty or names an unknown role; the message names it and the valid ones.</exception>
    public static OperatorRoles Parse(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var roles = OperatorRoles.None;
        foreach (var part in list.Split(','))
        {
            var name = part.Trim();
            roles |= Of(name) ?? throw new FormatException($"unknown role '{PrintableText.Of(name)}'; valid roles: {Valid}");
        }

        return roles;
    }

    /// <summary>The names of the roles in <paramref name="roles"/>, in the fixed order nurse, coordinator, technician, auditor.</summary>
    public static IReadOnlyList<string> Names(OperatorRoles roles) => Table.Where(t => roles.HasFlag(t.Role)).Select(t => t.Name).ToList();

    /// <summary>The comma-separated form written to the accounts file, e.g. <c>nurse,technician</c>.</summary>
    public static string Format(OperatorRoles roles) => string.Join(",", Names(roles));
}
