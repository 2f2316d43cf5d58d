using EdgeGateway.TechnicianConsole.Commands;

namespace EdgeGateway.TechnicianConsole.Tests;

public class CommandLineTests
{
    [Fact]
    public void Splits_words_lowercases_the_command_and_keeps_quoted_values_whole()
    {
        Assert.True(CommandLine.TryParse("  CONFIG set  home.name \"Solveig's flat\" ", out var parsed, out _));
        Assert.Equal("config", parsed!.Command);
        Assert.Equal(["set", "home.name", "Solveig's flat"], parsed.Arguments);
    }

    [Fact]
    public void Empty_quotes_are_an_empty_argument()
    {
        Assert.True(CommandLine.TryParse("config set note \"\"", out var parsed, out _));
        Assert.Equal(["set", "note", ""], parsed!.Arguments);
    }

    [Theory]
    [InlineData("", "empty line")]
    [InlineData("   ", "empty line")]
    [InlineData("config set x \"open", "unterminated quote")]
    [InlineData("status\u0003", "control character U+0003")]
    public void Bad_lines_get_a_one_line_reason(string line, string expected)
    {
        Assert.False(CommandLine.TryParse(line, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error!);
    }

    [Fact]
    public void Over_long_lines_are_refused_with_the_limit_named()
    {
        Assert.False(CommandLine.TryParse(new string('x', 100_000), out _, out var error));
        Assert.Equal("line too long (100000 characters): at most 512", error);
    }
}
