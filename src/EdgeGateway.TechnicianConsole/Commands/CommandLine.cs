using System.Text;

namespace EdgeGateway.TechnicianConsole.Commands;

/// <summary>One console line split into a command word and its arguments; double quotes group words.</summary>
public sealed record CommandLine(string Command, IReadOnlyList<string> Arguments)
{
    /// <summary>The longest line the console accepts; a technician never needs more, garbage often is.</summary>
    public const int MaxLength = 512;

    /// <summary>Splits <paramref name="line"/>; false with a one-line reason when it cannot be parsed.</summary>
    public static bool TryParse(string line, out CommandLine? parsed, out string? error)
    {
        ArgumentNullException.ThrowIfNull(line);
        parsed = null;
        if (line.Length > MaxLength)
        {
            error = $"line too long ({line.Length} characters): at most {MaxLength}";
            return false;
        }

        var words = new List<string>();
        var current = new StringBuilder();
        var inQuotes = false;
        var hasWord = false;
        foreach (var c in line)
        {
            if (char.IsControl(c) && c != '\t')
            {
                error = $"control character U+{(int)c:X4} in line: expected printable text";
                return false;
            }

            if (c == '"')
            {
                inQuotes = !inQuotes;
                hasWord = true;
            }
            else if (char.IsWhiteSpace(c) && !inQuotes)
            {
                if (hasWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    hasWord = false;
                }
            }
            else
            {
                current.Append(c);
                hasWord = true;
            }
        }

        if (inQuotes)
        {
            error = "unterminated quote: expected a closing \"";
            return false;
        }

        if (hasWord)
        {
            words.Add(current.ToString());
        }

        if (words.Count == 0)
        {
            error = "empty line: type help for the commands";
            return false;
        }

        parsed = new CommandLine(words[0].ToLowerInvariant(), words.Skip(1).ToList());
        error = null;
        return true;
    }
}
