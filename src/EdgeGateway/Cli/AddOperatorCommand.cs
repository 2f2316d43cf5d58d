using System.CommandLine;
using EdgeGateway.Centre.Web;

namespace EdgeGateway.Cli;

/// <summary><c>central add-operator</c>: one operator account of the page, its password stored only as a hash.</summary>
internal static class AddOperatorCommand
{
    /// <summary><c>central add-operator --accounts FILE --name NAME</c>: adds an operator (or sets a new password), reading the password from stdin.</summary>
    public static Command Create()
    {
        var accounts = new Option<string>("--accounts") { Description = "The accounts file (--web-accounts); created with mode 0600 when missing.", Required = true };
        var name = new Option<string>("--name") { Description = "The operator's name, as it is recorded with each action, e.g. \"Nurse Berit\".", Required = true };
        var passwordFile = new Option<string?>("--password-file") { Description = "Read the password from the first line of this file instead of stdin." };
        var iterations = new Option<int>("--iterations") { Description = $"PBKDF2-SHA256 iterations (default {OperatorAccounts.DefaultIterations}).", DefaultValueFactory = _ => OperatorAccounts.DefaultIterations };
        var command = new Command("add-operator", "Add an operator account for the page (or give one a new password): reads the password from stdin, stores only its PBKDF2 hash.")
        {
            accounts,
            name,
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
                var added = OperatorAccounts.AddOrReplace(path, who, password, rounds);
                Console.Error.WriteLine(added ? $"added operator '{who}' to {path}" : $"new password for operator '{who}' in {path}");
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
}
