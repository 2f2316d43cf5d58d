namespace EdgeGateway.Devices.Modem;

/// <summary>What came of one SMS: <see cref="Sent"/> when the modem accepted it for the network; <see cref="Detail"/> is then the SMS object path, otherwise the problem in one line.</summary>
public sealed record SmsSendResult(bool Sent, string Detail);
