namespace EdgeGateway.Devices.Modem;

/// <summary>Sends an SMS through a modem; a send never throws for what the modem or ModemManager does, it names the problem.</summary>
public interface ISmsModem
{
    /// <summary>Sends <paramref name="text"/> to <paramref name="number"/> (international form, +47…) and answers whether the modem accepted it.</summary>
    Task<SmsSendResult> SendAsync(string number, string text, CancellationToken cancellationToken);
}
