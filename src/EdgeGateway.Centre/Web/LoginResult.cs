namespace EdgeGateway.Centre.Web;

/// <summary>A login's outcome and, when refused, how long before the next try is looked at.</summary>
/// <param name="Outcome">How it went.</param>
/// <param name="RetryAfter">Zero, or how long this name and address are locked out.</param>
public readonly record struct LoginResult(LoginOutcome Outcome, TimeSpan RetryAfter);
