namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>One sensor's walk-test as the commissioning record keeps it.</summary>
/// <param name="SensorId">The sensor.</param>
/// <param name="Passed">True when it went active and idle again within the time allowed.</param>
/// <param name="Detail">Why it failed (empty when it passed).</param>
public sealed record WalkTestResult(string SensorId, bool Passed, string Detail);
