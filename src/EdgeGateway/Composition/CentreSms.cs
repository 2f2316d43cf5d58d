using EdgeGateway.Centre.NextOfKin;
using EdgeGateway.Devices.Modem;

namespace EdgeGateway.Composition;

/// <summary>Puts a modem (ModemManager's in the field, the simulated one in the demo) behind the centre's SMS to next of kin.</summary>
internal static class CentreSms
{
    /// <summary>The centre's SMS options sending through <paramref name="modem"/>, each text ending with <paramref name="signoff"/>.</summary>
    /// <exception cref="ArgumentException">The sign-off is too long or has a line break.</exception>
    public static KinSmsOptions Through(ISmsModem modem, string? signoff)
    {
        ArgumentNullException.ThrowIfNull(modem);
        return new KinSmsOptions(async (number, text, ct) =>
        {
            var sent = await modem.SendAsync(number, text, ct).ConfigureAwait(false);
            return (sent.Sent, sent.Detail);
        }) { Signoff = signoff }.Validated();
    }
}
