namespace EdgeGateway.Tests.Configuration;

/// <summary>Looks for a PIN hash in text that left the gateway.</summary>
internal static class PinHashLeaks
{
    /// <summary>
    /// Runs of letters and digits of a hash's last part: JSON writers escape '+' (as \u002B, or doubly inside a diff's JSON
    /// text), so a leaked hash is looked for by its pieces, whatever the escaping around them.
    /// </summary>
    public static IReadOnlyList<string> Fragments(string hash)
    {
        var fragments = System.Text.RegularExpressions.Regex.Matches(hash.Split('$')[^1], "[A-Za-z0-9]{6,}").Select(m => m.Value).ToList();
        Assert.NotEmpty(fragments);
        return fragments;
    }

    public static void AssertNone(string text, string where, params string[] hashes)
    {
        foreach (var fragment in hashes.SelectMany(Fragments))
        {
            Assert.False(text.Contains(fragment, StringComparison.Ordinal), $"a piece of a PIN hash ({fragment}) appears in {where}:\n{text}");
        }
    }
}
