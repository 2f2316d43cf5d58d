using System.Text.Json;

namespace EdgeGateway.Uplink.Commands.Binders;

/// <summary>Carries a bound command out and returns what writes its reply's <c>result</c>; throws a <see cref="CommandRejection"/> to refuse.</summary>
internal delegate Action<Utf8JsonWriter> CommandAction();

/// <summary>Checks the arguments of its command types and returns the action; nothing runs until every check has passed.</summary>
internal interface ICommandBinder
{
    /// <summary>The <see cref="CommandTypes"/> this binder takes.</summary>
    IReadOnlyList<string> Types { get; }

    /// <summary>Checks <paramref name="command"/>'s arguments; the returned action runs only once expiry and replay are checked too.</summary>
    CommandAction Bind(CommandEnvelope command);
}
