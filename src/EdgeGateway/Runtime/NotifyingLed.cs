using EdgeGateway.Core.Outputs;

namespace EdgeGateway.Runtime;

/// <summary>A status LED that announces each change of pattern.</summary>
internal sealed class NotifyingLed(IStatusLed inner) : NotifyingOutput<LedPattern>(() => inner.Pattern, inner.Set), IStatusLed;
