using System.Text;
using EdgeGateway.TechnicianConsole.Engine;

namespace EdgeGateway.TechnicianConsole.Tests;

public class LineEditorTests
{
    private readonly LineEditor _editor = new();
    private readonly List<LineEvent> _events = [];
    private readonly List<byte> _echo = [];

    private void Feed(string text) => Feed(Encoding.UTF8.GetBytes(text));

    private void Feed(byte[] bytes)
    {
        foreach (var b in bytes)
        {
            _editor.Feed(b, _events, _echo);
        }
    }

    private string Echo => Encoding.UTF8.GetString(_echo.ToArray());

    [Theory]
    [InlineData("status\r")]
    [InlineData("status\n")]
    [InlineData("status\r\n")]
    public void Cr_lf_and_crlf_each_end_one_line(string typed)
    {
        Feed(typed + "sensors\r\n");
        Assert.Equal([new(LineEventKind.Line, "status"), new(LineEventKind.Line, "sensors")], _events);
    }

    [Fact]
    public void Echoes_typed_text_and_erases_with_backspace_and_del()
    {
        Feed("stx\u007Fa\bat\r");
        Assert.Equal("stat", _events.Single().Text);
        Assert.Equal("stx\b \ba\b \bat\r\n", Echo);
    }

    [Fact]
    public void Backspace_removes_a_whole_non_ascii_character()
    {
        Feed("bø\u007Fa\r");
        Assert.Equal("ba", _events.Single().Text);
    }

    [Fact]
    public void Up_and_down_arrows_recall_history_and_other_escape_sequences_are_ignored()
    {
        Feed("status\rsensors\r");
        _echo.Clear();
        Feed("\x1b[A\x1b[A\x1b[B\x1b[C\x1b[1;5D\x1bOA\r");
        Assert.Equal("status", _events[^1].Text);
        Assert.DoesNotContain("\x1b", Echo);
    }

    [Fact]
    public void Ctrl_c_drops_the_line()
    {
        Feed("config set x 1\x03");
        Assert.Equal(LineEventKind.Interrupt, _events.Single().Kind);
        Feed("help\r");
        Assert.Equal("help", _events[^1].Text);
    }

    [Fact]
    public void A_100_kb_line_is_rejected_with_its_length_and_the_buffer_stays_capped()
    {
        Feed(new string('x', 100_000));
        Assert.Equal(512, _editor.Length);
        Assert.True(_echo.Count <= 512);
        Feed("\r");
        var e = _events.Single();
        Assert.Equal(LineEventKind.Rejected, e.Kind);
        Assert.Equal("line too long (100000 characters): at most 512", e.Text);
        Feed("help\r");
        Assert.Equal(new LineEvent(LineEventKind.Line, "help"), _events[^1]);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'a', 0xFF, (byte)'\r' }, "invalid UTF-8 byte 0xFF")]
    [InlineData(new byte[] { 0xC3, (byte)'a', (byte)'\r' }, "invalid UTF-8 sequence")]
    [InlineData(new byte[] { (byte)'a', 0x07, (byte)'\r' }, "control character 0x07")]
    [InlineData(new byte[] { 0xC2, 0x85, (byte)'\r' }, "control character U+0085")]
    public void Garbage_bytes_reject_the_line_politely(byte[] bytes, string reason)
    {
        Feed(bytes);
        var e = _events.Single();
        Assert.Equal(LineEventKind.Rejected, e.Kind);
        Assert.StartsWith(reason, e.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Masked_input_echoes_stars_and_stays_out_of_history()
    {
        _editor.Masked = true;
        Feed("4711\r");
        Assert.Equal("****\r\n", Echo);
        _editor.Masked = false;
        _echo.Clear();
        Feed("\x1b[A\r");
        Assert.Equal(string.Empty, _events[^1].Text);
    }
}
