using System.CommandLine;
using EdgeGateway.Centre.Web;

namespace EdgeGateway.Cli;

/// <summary><c>central add-operator</c>: one operator account of the page, its password stored only as a hash.</summary>
internal static class AddOperatorCommand
{
    /// <summary>
    /// <c>central add-operator --accounts FILE --name NAME --role ROLE[,ROLE] [--zones ZONE[,ZONE]|all]</c>: adds an operator,
    /// reading the password from stdin. For an existing operator, <c>--role</c> or <c>--zones</c> rewrites the roles or zones
    /// (no password asked); without either, a new password.
    /// </summary>
    public static Command Create()
    {
        var accounts = new Option<string>("--accounts") { Description = "The accounts file (--web-accounts); created with mode 0600 when missing.", Required = true };
        var name = new Option<string>("--name") { Description = "The operator's name, as it is recorded with each action, e.g. \"Nurse Berit\".", Required = true };
        var role = new Option<string?>("--role") { Description = $"The operator's roles, comma separated ({OperatorRoleNames.Valid}); required for a new operator. On an existing one it sets the roles only, keeping the password." };
        var zones = new Option<string?>("--zones") { Description = $"The home-care zones the operator sees, comma separated (e.g. north,oslo-sentrum), or {ZoneNames.All} for every zone (the default for a new operator). On an existing one it sets the zones only, keeping the password." };
        var passwordFile = new Option<string?>("--password-file") { Description = "Read the password from the first line of this file instead of stdin." };
        var iterations = new Option<int>("--iterations") { Description = $"PBKDF2-SHA256 iterations (default {OperatorAccounts.DefaultIterations}).", DefaultValueFactory = _ => OperatorAccounts.DefaultIterations };
        var command = new Command("add-operator", "Add an operator account for the page with its roles and zones (or give one new roles or zones, or a new password): reads the password from stdin, stores only its PBKDF2 hash.")
        {
            accounts,
            name,
            role,
            zones,
            passwordFile,
            iterations,
        };
        command.SetAction(result =>
        {
            var path = result.GetValue(accounts)!;
            var who = result.GetValue(name)!;
            if (OperatorAccounts.ValidateName(who) is { } bad)
            {
                Console.Error.WriteLine($"--name: {bad}");
                return 2;
            }

            var roles = OperatorRoles.None;
            if (result.GetValue(role) is { } list)
            {
                try
                {
                    roles = OperatorRoleNames.Parse(list);
                }
                catch (FormatException ex)
                {
                    Console.Error.WriteLine($"--role: {ex.Message}");
                    return 2;
                }
            }

            // Null: every zone. Given or not is kept apart, since an existing operator's zones change only when asked.
            IReadOnlySet<string>? zoneSet = null;
            var zoneList = result.GetValue(zones);
            var zonesGiven = zoneList is not null;
            if (zoneList is not null && zoneList.Trim() != ZoneNames.All)
            {
                try
                {
                    zoneSet = ZoneNames.ParseList(zoneList);
                }
                catch (FormatException ex)
                {
                    Console.Error.WriteLine($"--zones: {ex.Message}; or {ZoneNames.All} for every zone");
                    return 2;
                }
            }

            bool exists;
            try
            {
                exists = OperatorAccounts.Lists(path, who);
                if (exists && (roles != OperatorRoles.None || zonesGiven))
                {
                    // Roles and zones change more often than passwords (a nurse trained as technician, moved to another
                    // district): no password to re-enter. Zones first, so a narrower area is in force before wider roles.
                    if (zonesGiven)
                    {
                        OperatorAccounts.SetZones(path, who, zoneSet);
                        Console.Error.WriteLine($"operator '{who}' in {path} now sees {Describe(zoneSet)}; the password is unchanged");
                    }

                    if (roles != OperatorRoles.None)
                    {
                        OperatorAccounts.SetRoles(path, who, roles);
                        Console.Error.WriteLine($"operator '{who}' in {path} now has the roles {OperatorRoleNames.Format(roles)}; the password is unchanged");
                    }

                    return 0;
                }
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"--accounts '{path}': {ex.Message}; the file is unchanged");
                return 2;
            }

            if (!exists && roles == OperatorRoles.None)
            {
                Console.Error.WriteLine($"--role is required for a new operator: one or more of {OperatorRoleNames.Valid}, comma separated");
                return 2;
            }

            var rounds = result.GetValue(iterations);
            if (rounds < 10_000)
            {
                Console.Error.WriteLine($"--iterations {rounds} is invalid: expected at least 10000");
                return 2;
            }

            string? password;
            if (result.GetValue(passwordFile) is { } file)
            {
                if (!File.Exists(file))
                {
                    Console.Error.WriteLine($"--password-file '{file}' does not exist");
                    return 2;
                }

                password = File.ReadLines(file).FirstOrDefault();
            }
            else
            {
                if (!Console.IsInputRedirected)
                {
                    Console.Error.Write($"Password for {who}: ");
                }

                try
                {
                    password = PasswordInput.ReadLine();
                }
                catch (InvalidOperationException)
                {
                    Console.Error.WriteLine("no terminal to type the password on: pipe it on stdin or give --password-file");
                    return 2;
                }
            }

            if (password is null || password.Length < 8)
            {
                Console.Error.WriteLine("the password must have at least 8 characters (the first line of stdin or --password-file)");
                return 2;
            }

            try
            {
                // A new operator gets her zones in the same write as her account; an existing one keeps hers.
                var added = exists
                    ? OperatorAccounts.AddOrReplace(path, who, password, roles, rounds)
                    : OperatorAccounts.AddOrReplace(path, who, password, roles, zoneSet, rounds);
                Console.Error.WriteLine(added ? $"added operator '{who}' to {path}, seeing {Describe(zoneSet)}" : $"new password for operator '{who}' in {path}");
                return 0;
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"--accounts '{path}': {ex.Message}; the file is unchanged");
                return 2;
            }
        });
        return command;
    }

    private static string Describe(IReadOnlySet<string>? zones) => zones is null ? "every zone" : $"the zones {ZoneNames.Format(zones)}";
}
