namespace EdgeGateway.TestSupport.Modem;

/// <summary>
/// A fake <c>mmcli</c> in a temp dir that prints recorded ModemManager answers (Modem/Recorded/&lt;situation&gt;/):
/// put <see cref="BinDirectory"/> first on the PATH of the process under test, or give it <see cref="Command"/>.
/// </summary>
public sealed class FakeMmcli : IDisposable
{
    // Picks the answer by the arguments, as mmcli would; every call is logged so a test can see what was asked. A call
    // is one log line: the newlines of an SMS text become ⏎, and printf (not dash's echo) leaves backslashes as they are.
    // The create case comes before the other -m ones, so a text holding " --signal-setup=" is still a create.
    private const string Script = """
        #!/bin/sh
        here="$(dirname "$0")"
        dir="$here/answers"
        printf '%s' "$*" | awk '{ printf "%s%s", (NR > 1 ? "⏎" : ""), $0 } END { print "" }' >> "$here/calls.log"
        case "$*" in
          "-J -L") f=list ;;
          "-J -m "*" --signal-get") f=signal ;;
          "-J -m "*) f=modem ;;
          "-m "*" --messaging-create-sms="*) f=create ;;
          "-m "*" --messaging-delete-sms="*) f=delete ;;
          "-m "*" --signal-setup="*) f=setup ;;
          "-s "*" --send"*) f=send ;;
          *) echo "error: unexpected arguments: $*" >&2; exit 2 ;;
        esac
        if [ -f "$dir/$f.hang" ]; then exec sleep 600; fi
        if [ -f "$dir/$f.err" ]; then cat "$dir/$f.err" >&2; exit 1; fi
        if [ -f "$dir/$f.json" ]; then cat "$dir/$f.json"; fi
        if [ -f "$dir/$f.txt" ]; then cat "$dir/$f.txt"; fi
        exit 0
        """;

    private FakeMmcli(string directory)
    {
        BinDirectory = directory;
        Directory.CreateDirectory(Answers);
        File.WriteAllText(Command, Script.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(Command, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The directory holding the fake <c>mmcli</c>.</summary>
    public string BinDirectory { get; }

    /// <summary>The fake's full path.</summary>
    public string Command => Path.Combine(BinDirectory, "mmcli");

    /// <summary>The PATH with the fake first, for a child process.</summary>
    public string PathWithFakeFirst => BinDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");

    /// <summary>The argument lines mmcli was called with so far, one per call, a newline inside an argument shown as ⏎.</summary>
    public IReadOnlyList<string> Calls => File.Exists(CallLog) ? File.ReadAllLines(CallLog) : [];

    /// <summary>The recorded situations, by folder name.</summary>
    public static string RecordedDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "Modem", "Recorded");

    private string Answers => Path.Combine(BinDirectory, "answers");

    private string CallLog => Path.Combine(BinDirectory, "calls.log");

    /// <summary>A fake in a new temp dir answering as in <paramref name="situation"/>.</summary>
    public static FakeMmcli Start(string situation)
    {
        var fake = new FakeMmcli(Directory.CreateTempSubdirectory("fake-mmcli-").FullName);
        fake.Answer(situation);
        return fake;
    }

    /// <summary>The text of one recorded answer, e.g. ("healthy", "modem.json").</summary>
    public static string Recorded(string situation, string file) => File.ReadAllText(Path.Combine(RecordedDirectory, situation, file));

    /// <summary>From now on answers as in <paramref name="situation"/>.</summary>
    public void Answer(string situation)
    {
        var source = Path.Combine(RecordedDirectory, situation);
        if (!Directory.Exists(source))
        {
            throw new DirectoryNotFoundException($"no recorded ModemManager situation '{situation}' in {RecordedDirectory}");
        }

        // Each file is replaced by a rename, so a concurrent call sees the old answer or the new one, never half of either.
        foreach (var file in Directory.GetFiles(source))
        {
            var temp = Path.Combine(BinDirectory, Path.GetFileName(file) + ".new");
            File.Copy(file, temp, overwrite: true);
            File.Move(temp, Path.Combine(Answers, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var old in Directory.GetFiles(Answers))
        {
            if (!File.Exists(Path.Combine(source, Path.GetFileName(old))))
            {
                File.Delete(old);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(BinDirectory, recursive: true);
}
