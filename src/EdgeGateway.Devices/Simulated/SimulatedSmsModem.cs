using EdgeGateway.Devices.Modem;

namespace EdgeGateway.Devices.Simulated;

/// <summary>One SMS the simulated modem was given: to whom, what, and when.</summary>
public sealed record SimulatedSms(string Number, string Text, DateTimeOffset At);

/// <summary>The demo's SMS modem: keeps and announces every message instead of sending it, and always answers sent.</summary>
public sealed class SimulatedSmsModem(TimeProvider time) : ISmsModem
{
    private readonly Lock _lock = new();
    private readonly List<SimulatedSms> _sent = [];

    /// <summary>Raised for every message, as the next of kin's phone would show it.</summary>
    public event Action<SimulatedSms>? Received;

    /// <summary>Every message sent so far, in order.</summary>
    public IReadOnlyList<SimulatedSms> Sent
    {
        get
        {
            lock (_lock)
            {
                return [.. _sent];
            }
        }
    }

    /// <inheritdoc />
    public Task<SmsSendResult> SendAsync(string number, string text, CancellationToken cancellationToken)
    {
        // The same refusal as the real modem, so the demo does not accept what the duty centre could not send.
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        cancellationToken.ThrowIfCancellationRequested();
        var sms = new SimulatedSms(number, text, time.GetUtcNow());
        int count;
        lock (_lock)
        {
            _sent.Add(sms);
            count = _sent.Count;
        }

        Received?.Invoke(sms);
        return Task.FromResult(new SmsSendResult(true, $"simulated modem: message {count}"));
    }
}
