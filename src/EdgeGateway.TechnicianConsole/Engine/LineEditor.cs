using System.Text;
using EdgeGateway.TechnicianConsole.Commands;

namespace EdgeGateway.TechnicianConsole.Engine;

/// <summary>
/// Turns the bytes a dumb terminal sends into lines: echo, backspace/DEL, CR/LF/CRLF, up/down history, Ctrl-C.
/// </summary>
/// <remarks>
/// It only ever writes printable text, CR, LF and backspace, so it works on any terminal at 115200 baud.
/// Memory is bounded: past <see cref="CommandLine.MaxLength"/> characters the rest of the line is counted, not kept.
/// </remarks>
public sealed class LineEditor
{
    private const byte Esc = 0x1B;
    private static readonly byte[] EraseOne = "\b \b"u8.ToArray();
    private static readonly byte[] NewLine = "\r\n"u8.ToArray();

    private readonly int _maxLength;
    private readonly int _historySize;
    private readonly List<string> _history = [];
    private readonly StringBuilder _line = new();
    private readonly byte[] _utf8 = new byte[4];
    private int _utf8Have;
    private int _utf8Need;
    private EscapeState _escape;
    private bool _lastWasCr;
    private long _overflowCount;
    private string? _rejectReason;
    private int _historyIndex = -1;

    /// <summary>Creates an editor that keeps at most <paramref name="maxLength"/> characters and <paramref name="historySize"/> lines.</summary>
    public LineEditor(int maxLength = CommandLine.MaxLength, int historySize = 50)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(historySize);
        _maxLength = maxLength;
        _historySize = historySize;
    }

    private enum EscapeState
    {
        None,
        Escape,
        Csi,
        Ss3,
    }

    /// <summary>When set, typed characters echo as '*' and the line stays out of the history (PIN entry).</summary>
    public bool Masked { get; set; }

    /// <summary>The characters kept so far on the current line.</summary>
    public int Length => _line.Length;

    /// <summary>Forgets the current line without echo (e.g. after a session ends).</summary>
    public void Reset()
    {
        ResetLine();
        _escape = EscapeState.None;
        _lastWasCr = false;
    }

    /// <summary>Feeds one byte; appends echo to <paramref name="echo"/> and any completed line to <paramref name="events"/>.</summary>
    public void Feed(byte b, List<LineEvent> events, List<byte> echo)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(echo);
        var afterCr = _lastWasCr;
        _lastWasCr = false;

        if (_escape != EscapeState.None)
        {
            FeedEscape(b, echo);
            return;
        }

        if (_utf8Need > 0)
        {
            FeedContinuation(b, echo);
            return;
        }

        switch (b)
        {
            case (byte)'\r':
                _lastWasCr = true;
                Complete(events, echo);
                return;
            case (byte)'\n':
                if (!afterCr)
                {
                    Complete(events, echo);
                }

                return;
            case 0x03:
                ResetLine();
                echo.AddRange("^C"u8);
                echo.AddRange(NewLine);
                events.Add(new LineEvent(LineEventKind.Interrupt, string.Empty));
                return;
            case 0x08:
            case 0x7F:
                Backspace(echo);
                return;
            case Esc:
                _escape = EscapeState.Escape;
                return;
            case (byte)'\t':
                Append(" ", echo);
                return;
        }

        if (b < 0x20)
        {
            Reject($"control character 0x{b:X2} in line: expected printable text");
            return;
        }

        if (b < 0x80)
        {
            Append(((char)b).ToString(), echo);
            return;
        }

        _utf8Need = b switch
        {
            >= 0xC2 and <= 0xDF => 1,
            >= 0xE0 and <= 0xEF => 2,
            >= 0xF0 and <= 0xF4 => 3,
            _ => 0,
        };
        if (_utf8Need == 0)
        {
            Reject($"invalid UTF-8 byte 0x{b:X2} in line: expected text");
            return;
        }

        _utf8[0] = b;
        _utf8Have = 1;
    }

    private void FeedContinuation(byte b, List<byte> echo)
    {
        if ((b & 0xC0) != 0x80)
        {
            _utf8Need = 0;
            Reject($"invalid UTF-8 sequence before byte 0x{b:X2}: expected text");
            return;
        }

        _utf8[_utf8Have++] = b;
        if (_utf8Have <= _utf8Need)
        {
            return;
        }

        _utf8Need = 0;
        if (Rune.DecodeFromUtf8(_utf8.AsSpan(0, _utf8Have), out var rune, out _) != System.Buffers.OperationStatus.Done)
        {
            Reject("invalid UTF-8 sequence in line: expected text");
            return;
        }

        if (Rune.IsControl(rune))
        {
            Reject($"control character U+{rune.Value:X4} in line: expected printable text");
            return;
        }

        Append(rune.ToString(), echo);
    }

    private void FeedEscape(byte b, List<byte> echo)
    {
        switch (_escape)
        {
            case EscapeState.Escape:
                _escape = b switch
                {
                    (byte)'[' => EscapeState.Csi,
                    (byte)'O' => EscapeState.Ss3,
                    _ => EscapeState.None,
                };
                return;
            case EscapeState.Ss3:
                _escape = EscapeState.None;
                Arrow(b, echo);
                return;
            default:
                // CSI: parameter and intermediate bytes until a final byte in 0x40–0x7E; a stray byte ends it too.
                if (b is >= 0x20 and <= 0x3F)
                {
                    return;
                }

                _escape = EscapeState.None;
                Arrow(b, echo);
                return;
        }
    }

    private void Arrow(byte final, List<byte> echo)
    {
        if (Masked || _rejectReason is not null || _history.Count == 0)
        {
            return;
        }

        if (final == (byte)'A')
        {
            var next = _historyIndex < 0 ? _history.Count - 1 : Math.Max(0, _historyIndex - 1);
            ShowHistory(next, echo);
        }
        else if (final == (byte)'B' && _historyIndex >= 0)
        {
            ShowHistory(_historyIndex + 1 < _history.Count ? _historyIndex + 1 : -1, echo);
        }
    }

    private void ShowHistory(int index, List<byte> echo)
    {
        for (var i = 0; i < CharsOnScreen(); i++)
        {
            echo.AddRange(EraseOne);
        }

        _line.Clear();
        _historyIndex = index;
        if (index >= 0)
        {
            _line.Append(_history[index]);
            echo.AddRange(Encoding.UTF8.GetBytes(_history[index]));
        }
    }

    private int CharsOnScreen()
    {
        var count = 0;
        foreach (var _ in _line.ToString().EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private void Append(string text, List<byte> echo)
    {
        if (_rejectReason is not null)
        {
            return;
        }

        if (_overflowCount > 0 || _line.Length + text.Length > _maxLength)
        {
            _overflowCount += text.Length;
            return;
        }

        _line.Append(text);
        if (Masked)
        {
            echo.Add((byte)'*');
        }
        else
        {
            echo.AddRange(Encoding.UTF8.GetBytes(text));
        }
    }

    private void Backspace(List<byte> echo)
    {
        if (_rejectReason is not null || _overflowCount > 0 || _line.Length == 0)
        {
            return;
        }

        var remove = _line.Length >= 2 && char.IsLowSurrogate(_line[^1]) && char.IsHighSurrogate(_line[^2]) ? 2 : 1;
        _line.Length -= remove;
        echo.AddRange(EraseOne);
    }

    private void Reject(string reason) => _rejectReason ??= reason;

    private void Complete(List<LineEvent> events, List<byte> echo)
    {
        echo.AddRange(NewLine);
        if (_rejectReason is not null)
        {
            events.Add(new LineEvent(LineEventKind.Rejected, _rejectReason));
        }
        else if (_overflowCount > 0)
        {
            var total = _line.Length + _overflowCount;
            events.Add(new LineEvent(LineEventKind.Rejected, $"line too long ({total} characters): at most {_maxLength}"));
        }
        else
        {
            var text = _line.ToString();
            if (!Masked && text.Trim().Length > 0 && _historySize > 0 && (_history.Count == 0 || _history[^1] != text))
            {
                if (_history.Count == _historySize)
                {
                    _history.RemoveAt(0);
                }

                _history.Add(text);
            }

            events.Add(new LineEvent(LineEventKind.Line, text));
        }

        ResetLine();
    }

    private void ResetLine()
    {
        _line.Clear();
        _rejectReason = null;
        _overflowCount = 0;
        _utf8Need = 0;
        _utf8Have = 0;
        _historyIndex = -1;
    }
}
