using System.Text.Json;
using static EdgeGateway.Uplink.Commands.CommandJson;

namespace EdgeGateway.Uplink.Commands.Binders;

/// <summary><c>config.get</c>: all values, or the keys of <c>args.keys</c>, with the version in force.</summary>
internal sealed class ConfigGetBinder(IRemoteConfiguration config) : ICommandBinder
{
    /// <inheritdoc />
    public IReadOnlyList<string> Types { get; } = [CommandTypes.ConfigGet];

    /// <inheritdoc />
    public CommandAction Bind(CommandEnvelope command)
    {
        var args = command.Args;
        Only(args, "keys");
        List<string>? keys = null;
        if (args.TryGetProperty("keys", out var k))
        {
            if (k.ValueKind != JsonValueKind.Array || k.GetArrayLength() > 256)
            {
                throw Invalid("args.keys", $"expected an array of at most 256 keys, got {Describe(k)}");
            }

            keys = [];
            var i = 0;
            foreach (var key in k.EnumerateArray())
            {
                keys.Add(key.ValueKind == JsonValueKind.String && ConfigKeys.IsKey(key.GetString()!)
                    ? key.GetString()!
                    : throw Invalid($"args.keys[{i}]", $"expected a key of 1–128 characters a–z 0–9 _ . -, got {Describe(key)}"));
                i++;
            }
        }

        return () =>
        {
            var snapshot = config.Current();
            var unknown = keys?.FirstOrDefault(key => !snapshot.Values.ContainsKey(key));
            if (unknown is not null)
            {
                throw new CommandRejection(CommandErrorCodes.NotFound, $"args.keys[{keys!.IndexOf(unknown)}]", $"unknown configuration key '{unknown}'");
            }

            return w =>
            {
                w.WriteNumber("version", snapshot.Version);
                w.WriteStartObject("values");
                foreach (var (key, value) in snapshot.Values.Where(p => keys is null || keys.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WriteString(key, value);
                }

                w.WriteEndObject();
            };
        };
    }
}
