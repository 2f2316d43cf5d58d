using System.Diagnostics;

namespace EdgeGateway.TestSupport;

/// <summary>What a console printed so far, read in order: each expectation waits (bounded) for text after the last match.</summary>
public sealed class Screen(Func<string> output)
{
    private int _cursor;

    /// <summary>Waits for <paramref name="text"/> after what was already matched; returns the screen up to and including it.</summary>
    public async Task<string> ExpectAsync(string text, double seconds = 5)
    {
        ArgumentNullException.ThrowIfNull(text);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var all = output();
            var at = all.IndexOf(text, _cursor, StringComparison.Ordinal);
            if (at >= 0)
            {
                var seen = all[_cursor..(at + text.Length)];
                _cursor = at + text.Length;
                return seen;
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                throw new TimeoutException($"'{text}' did not appear within {seconds} s; the console printed since the last match:\n{all[_cursor..]}");
            }

            await Task.Delay(10);
        }
    }
}
