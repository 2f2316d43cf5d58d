using System.Globalization;

namespace EdgeGateway.Devices.Modem;

/// <summary>Sends SMS through ModemManager's command-line client: <c>mmcli -J -L</c>, <c>-m N --messaging-create-sms</c>, <c>-s S --send</c>, <c>-m N --messaging-delete-sms</c>.</summary>
/// <remarks>
/// The first modem ModemManager lists sends. The list, create and delete runs are bounded by 10 s; the send is given
/// <see cref="Timeout"/> as mmcli's own <c>--timeout</c> (its D-Bus wait for the network) and its run is bounded 5 s
/// later, so mmcli can name its own timeout before it is killed. An SMS created is always deleted afterwards, sent or
/// not, so the modem's storage does not fill; a failed delete does not change the result and is kept in
/// <see cref="LastDeleteFailure"/>.
/// </remarks>
public sealed class MmcliSms(TimeProvider time, string command = "mmcli", TimeSpan? timeout = null) : ISmsModem
{
    private const string CreatedPrefix = "Successfully created new SMS: ";

    private static readonly TimeSpan ShortTimeout = TimeSpan.FromSeconds(10);

    // Past mmcli's own --timeout, so a slow network is named by mmcli rather than by the kill.
    private static readonly TimeSpan SendMargin = TimeSpan.FromSeconds(5);

    private volatile string? _lastDeleteFailure;

    /// <summary>The time mmcli is given to have the SMS accepted (its <c>--timeout</c>, whole seconds); the run is killed 5 s later.</summary>
    public TimeSpan Timeout { get; } = Checked(timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>The last failed delete of a created SMS in one line; null when the last delete went through or none has run.</summary>
    public string? LastDeleteFailure => _lastDeleteFailure;

    /// <inheritdoc />
    public async Task<SmsSendResult> SendAsync(string number, string text, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (Normalise(number, out var problem) is not { } to)
        {
            return new SmsSendResult(false, problem);
        }

        var list = await RunAsync(["-J", "-L"], "mmcli -J -L", ShortTimeout, cancellationToken).ConfigureAwait(false);
        if (list.Problem is not null)
        {
            return new SmsSendResult(false, list.Problem);
        }

        IReadOnlyList<int> modems;
        try
        {
            modems = MmcliJson.ParseModemList(list.Output);
        }
        catch (FormatException ex)
        {
            return new SmsSendResult(false, $"mmcli -L: {ex.Message}");
        }

        if (modems.Count == 0)
        {
            return new SmsSendResult(false, "ModemManager lists no modem");
        }

        var modem = modems[0].ToString(CultureInfo.InvariantCulture);
        var create = await RunAsync(
            ["-m", modem, $"--messaging-create-sms=number='{to}',text={Quote(text)}"],
            $"mmcli -m {modem} --messaging-create-sms",
            ShortTimeout,
            cancellationToken).ConfigureAwait(false);
        if (create.Problem is not null)
        {
            return new SmsSendResult(false, create.Problem);
        }

        if (SmsPath(create.Output) is not { } path)
        {
            return new SmsSendResult(false, $"mmcli printed no SMS path: {MmcliRun.FirstLine(create.Output, "nothing")}");
        }

        var sms = path[(path.LastIndexOf('/') + 1)..];
        try
        {
            var seconds = (int)Timeout.TotalSeconds;
            var send = await RunAsync(
                ["-s", sms, "--send", $"--timeout={seconds.ToString(CultureInfo.InvariantCulture)}"],
                $"mmcli -s {sms} --send",
                TimeSpan.FromSeconds(seconds) + SendMargin,
                cancellationToken).ConfigureAwait(false);
            return send.Problem is null ? new SmsSendResult(true, path) : new SmsSendResult(false, send.Problem);
        }
        finally
        {
            // Also when the send was cancelled: a created SMS left behind stays in the modem's storage until it fills.
            var delete = await RunAsync(["-m", modem, $"--messaging-delete-sms={sms}"], $"mmcli -m {modem} --messaging-delete-sms={sms}", ShortTimeout, CancellationToken.None).ConfigureAwait(false);
            _lastDeleteFailure = delete.Problem;
        }
    }

    /// <summary>
    /// <paramref name="text"/> as a value for ModemManager's key-value parser, which has no escapes (a quoted value ends at
    /// the next same quote): in " unless it holds ", else in ' unless it holds ', else in " with each " turned into ”.
    /// </summary>
    internal static string Quote(string text) =>
        !text.Contains('"', StringComparison.Ordinal) ? $"\"{text}\""
        : !text.Contains('\'', StringComparison.Ordinal) ? $"'{text}'"
        : $"\"{text.Replace('"', '\u201D')}\"";

    // International form only: the modem sends to what it is given, and a national number would reach no one abroad.
    private static string? Normalise(string? number, out string problem)
    {
        var compact = number is null ? "" : string.Concat(number.Where(c => !char.IsWhiteSpace(c)));
        var digits = compact.Length - 1;
        if (compact.StartsWith('+') && digits is >= 8 and <= 15 && compact.Skip(1).All(char.IsAsciiDigit))
        {
            problem = "";
            return compact;
        }

        problem = compact.Length == 0 ? "no number to send the SMS to" : $"the number '{compact}' is not + and 8–15 digits";
        return null;
    }

    private static string? SmsPath(string stdout)
    {
        foreach (var line in stdout.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith(CreatedPrefix, StringComparison.Ordinal))
            {
                var path = line[CreatedPrefix.Length..].Trim();
                var slash = path.LastIndexOf('/');
                return path.StartsWith('/') && slash >= 0 && uint.TryParse(path.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _) ? path : null;
            }
        }

        return null;
    }

    private static TimeSpan Checked(TimeSpan timeout)
    {
        // mmcli takes whole seconds; a day is far past any network's answer and keeps the figure an int.
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.FromSeconds(1), nameof(timeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout, TimeSpan.FromDays(1), nameof(timeout));
        return TimeSpan.FromSeconds(Math.Floor(timeout.TotalSeconds));
    }

    // The line names the run without the create's text: it is the resident's message, and it may span lines.
    private async Task<Run> RunAsync(string[] args, string line, TimeSpan bound, CancellationToken cancellationToken)
    {
        var run = await BoundedProcess.RunAsync(command, args, bound, time, cancellationToken).ConfigureAwait(false);
        return MmcliRun.Problem(run, command, line, bound) is { } problem ? new Run(problem, "") : new Run(null, run.Output);
    }

    private readonly record struct Run(string? Problem, string Output);
}
