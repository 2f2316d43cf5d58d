namespace EdgeGateway.TechnicianConsole.Engine;

/// <summary>One outcome of <see cref="LineEditor.Feed"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Text">The line, or the reason it was rejected.</param>
public readonly record struct LineEvent(LineEventKind Kind, string Text);
