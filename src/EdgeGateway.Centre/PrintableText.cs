using System.Text;

namespace EdgeGateway.Centre;

/// <summary>
/// What a gateway or a web client sent, made fit for a log line, a terminal and the archive: control characters (an
/// escape sequence could rewrite the operator's screen) and lone surrogates (no UTF-8 for them) become U+FFFD, and the
/// text is cut at a bound with "…".
/// </summary>
internal static class PrintableText
{
    /// <summary>The longest alarm or event message the centre keeps, in characters.</summary>
    public const int MaxMessage = 1024;

    /// <summary><paramref name="text"/> with control characters and lone surrogates replaced, at most <paramref name="max"/> characters and "…".</summary>
    public static string Of(string text, int max = 200, bool keepLineBreaks = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var limit = Math.Min(text.Length, max);
        var b = new StringBuilder(limit + 1);
        for (var i = 0; i < limit; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < limit && char.IsLowSurrogate(text[i + 1]))
            {
                b.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c) || (char.IsControl(c) && !(keepLineBreaks && c is '\n' or '\t')))
            {
                b.Append('\uFFFD');
            }
            else
            {
                b.Append(c);
            }
        }

        return text.Length > limit ? b.Append('…').ToString() : b.ToString();
    }

    /// <summary>True when <see cref="Of"/> would change nothing.</summary>
    public static bool IsPrintable(string text, int max) => text.Length <= max && Of(text, max) == text;
}
