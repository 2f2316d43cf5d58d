namespace EdgeGateway.Centre.NextOfKin;

/// <summary>Sends one SMS: true when the modem took it for the network, else false with the problem named in one line.</summary>
public delegate Task<(bool Sent, string Detail)> SendSms(string number, string text, CancellationToken cancellationToken);

/// <summary>SMS to next of kin through the centre host's modem (<c>central --sms-modem</c>); <see cref="DutyCentreOptions.Sms"/> null: no modem, each due SMS is a failed step saying so.</summary>
/// <param name="Send">The modem (ModemManager's <c>mmcli</c> in the field, a simulated one in the demo).</param>
public sealed record KinSmsOptions(SendSms Send)
{
    /// <summary>The most a sign-off may have: the texts stay within one or two SMS.</summary>
    public const int MaxSignoff = 60;

    /// <summary>Appended to every text after " – ", e.g. "Oslo duty centre, +47 21 00 00 00": whom the family can call back.</summary>
    public string? Signoff { get; init; }

    /// <summary>How many times one SMS is tried before it is a failed step.</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>The wait between tries (a 4G link that just dropped is often back within it).</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Checks the options; the CLI calls it so a bad sign-off stops the start with its reason.</summary>
    /// <exception cref="ArgumentException">A sign-off too long or with a line break, or an attempt count below one.</exception>
    public KinSmsOptions Validated()
    {
        ArgumentNullException.ThrowIfNull(Send);
        if (Attempts < 1 || RetryAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Attempts), "at least one attempt, and a wait that is not negative");
        }

        if (Signoff is { } s && (s.Length > MaxSignoff || s.Any(char.IsControl)))
        {
            throw new ArgumentException($"the SMS sign-off must be one line of at most {MaxSignoff} characters; got '{PrintableText.Of(s, 80)}'", nameof(Signoff));
        }

        return this;
    }
}
