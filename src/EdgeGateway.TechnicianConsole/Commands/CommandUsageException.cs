namespace EdgeGateway.TechnicianConsole.Commands;

/// <summary>A bad command line: the message says what was expected and is printed as one error line.</summary>
public sealed class CommandUsageException(string message) : Exception(message);
