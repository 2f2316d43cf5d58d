using EdgeGateway.Centre.Archive;

namespace EdgeGateway.Centre.Rollouts;

/// <summary>
/// Starts a release rollout from an archive in the releases directory, as <c>central rollout start</c> does (issue 32): the
/// page's way in. The Centre library verifies no signature itself; the executable implements this with its release signing.
/// </summary>
public interface IRolloutStarter
{
    /// <summary>The archives in the releases directory that have a <c>.sig</c> beside them, each with whether it verifies; never throws for a bad file.</summary>
    IReadOnlyList<ReleaseOffer> Releases();

    /// <summary>Verifies the archive, checks the request and the fleet, and stores the rollout with its plan and the operator action.</summary>
    /// <returns>The stored rollout, a refusal naming the request's field, or <see cref="RolloutStartResult.AlreadyRunning"/>.</returns>
    /// <exception cref="System.Data.Common.DbException">The archive could not be read or written.</exception>
    Task<RolloutStartResult> StartAsync(IArchive archive, RolloutStartRequest request, CancellationToken cancellationToken);
}
