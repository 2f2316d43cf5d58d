namespace EdgeGateway.TechnicianConsole.Transport;

/// <summary>Opens the transport named by <c>--console</c>.</summary>
public static class ConsoleTransports
{
    /// <summary>"-" is stdin/stdout; anything else is a tty path.</summary>
    public static IConsoleTransport Open(string consoleArgument, int baudRate = 115200)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(consoleArgument);
        return consoleArgument == "-" ? StreamTransport.StandardStreams() : new SerialPortTransport(consoleArgument, baudRate);
    }
}
