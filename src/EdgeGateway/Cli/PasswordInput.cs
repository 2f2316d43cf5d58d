using System.Text;

namespace EdgeGateway.Cli;

/// <summary>Reads a password without echoing it, so it never shows on the screen or in the terminal's scrollback.</summary>
internal static class PasswordInput
{
    /// <summary>A password typed at a terminal (not echoed) or, piped, the first line of stdin; null at the end of a pipe.</summary>
    /// <exception cref="InvalidOperationException">There is no terminal to type on.</exception>
    public static string? ReadLine()
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine();
        }

        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return typed.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }
}
