namespace EdgeGateway.TechnicianConsole.Security;

/// <summary>Rules for the technician PIN of a real installation.</summary>
public static class PinPolicy
{
    /// <summary>The PIN of the simulated demo home only; a real installation refuses to start with it.</summary>
    public const string DemoPin = "1234";

    /// <summary>Throws <see cref="InvalidOperationException"/> when <paramref name="encodedHash"/> is missing, malformed or the demo PIN.</summary>
    public static void EnsureNotDefault(string? encodedHash)
    {
        if (Check(encodedHash, out var malformed) is { } problem)
        {
            throw malformed is null ? new InvalidOperationException(problem) : new InvalidOperationException(problem, malformed);
        }
    }

    /// <summary>Why <paramref name="encodedHash"/> cannot be a real installation's PIN hash (missing, malformed, the demo PIN), or null when it can.</summary>
    public static string? DefaultPinProblem(string? encodedHash) => Check(encodedHash, out _);

    private static string? Check(string? encodedHash, out FormatException? malformed)
    {
        malformed = null;
        if (string.IsNullOrWhiteSpace(encodedHash))
        {
            return "not set: a real installation needs its own technician PIN, stored as its hash pbkdf2-sha256$ITERATIONS$SALT$HASH";
        }

        PinHash hash;
        try
        {
            hash = PinHash.Parse(encodedHash);
        }
        catch (FormatException ex)
        {
            malformed = ex;
            return $"malformed: {ex.Message}";
        }

        return hash.Verify(DemoPin)
            ? $"the hash of the demo PIN {DemoPin}: a real installation refuses to start with it; set the home's own technician PIN"
            : null;
    }
}
