using EdgeGateway.Core.Outputs;

namespace EdgeGateway.Runtime;

/// <summary>A buzzer that announces each change of pattern.</summary>
internal sealed class NotifyingBuzzer(IBuzzer inner) : NotifyingOutput<BuzzerPattern>(() => inner.Pattern, inner.Set), IBuzzer;
