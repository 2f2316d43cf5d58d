using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using static EdgeGateway.Uplink.Commands.CommandJson;

namespace EdgeGateway.Uplink.Commands.Binders;

/// <summary><c>update</c>: checks the offer's arguments, then hands it to <see cref="IReleaseUpdates"/>, which verifies the signature before anything is downloaded.</summary>
internal sealed partial class UpdateBinder(IReleaseUpdates updates) : ICommandBinder
{
    /// <summary>The largest archive accepted (512 MiB): a release is about 40 MB; more is a mistake or an attack on the SD card.</summary>
    public const long MaxSize = 512L * 1024 * 1024;

    /// <inheritdoc />
    public IReadOnlyList<string> Types { get; } = [CommandTypes.Update];

    /// <inheritdoc />
    public CommandAction Bind(CommandEnvelope command)
    {
        var args = command.Args;
        Only(args, "version", "url", "size", "sha256", "signature", "rollout", "gate_seconds");
        var version = ArgString(args, "version", 64);
        if (!VersionPattern().IsMatch(version))
        {
            throw Invalid("args.version", $"expected letters, digits and . + - only (0.2.0+1a2b3c), got \"{Clip(version)}\"");
        }

        var url = ParseUrl(ArgString(args, "url", 2048));
        var size = ArgInteger(args, "size", 1, MaxSize) ?? throw Invalid("args.size", "is missing");
        var sha = ArgString(args, "sha256", 64);
        if (!ShaPattern().IsMatch(sha))
        {
            throw Invalid("args.sha256", $"expected 64 hex digits, got \"{Clip(sha)}\"");
        }

        var signature = ParseSignature(args);
        var rollout = OptionalString(args, "rollout", 64, "args.rollout");
        var gate = (int?)ArgInteger(args, "gate_seconds", Contract.UpdateGateLimits.MinSeconds, Contract.UpdateGateLimits.MaxSeconds);
        var request = new UpdateRequest(version, url, size, sha.ToLowerInvariant(), signature, rollout, gate);
        return () =>
        {
            var answer = updates.Offer(request);
            return answer.State switch
            {
                UpdateAcceptanceState.Accepted => w => w.WriteString("state", "accepted"),
                UpdateAcceptanceState.Current => w => w.WriteString("state", "current"),
                _ => throw new CommandRejection(CommandErrorCodes.Refused, null, answer.Reason ?? "the update was refused"),
            };
        };
    }

    /// <summary>True when an update may be fetched from <paramref name="uri"/>: https anywhere, plain http only from this machine (a bench, the end-to-end test).</summary>
    public static bool AllowedUrl(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps
        || (uri.Scheme == Uri.UriSchemeHttp && (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip))));

    private static Uri ParseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw Invalid("args.url", $"expected an absolute https:// URL, got \"{Clip(text)}\"");
        }

        return AllowedUrl(uri)
            ? uri
            : throw Invalid("args.url", $"plain http is allowed only to a loopback host (127.0.0.0/8, ::1, localhost); use https, got \"{Clip(text)}\"");
    }

    private static UpdateSignature ParseSignature(JsonElement args)
    {
        if (!args.TryGetProperty("signature", out var s))
        {
            throw Invalid("args.signature", "is missing");
        }

        if (s.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("args.signature", $"expected the release's .sig JSON object (manifest, key_id, signature), got {Describe(s)}");
        }

        foreach (var p in s.EnumerateObject())
        {
            if (p.Name is not ("manifest" or "key_id" or "signature"))
            {
                throw Invalid($"args.signature.{Clip(p.Name)}", "unexpected field; expected manifest, key_id, signature");
            }
        }

        return new UpdateSignature(SigString(s, "manifest", 16 * 1024), SigString(s, "key_id", 64), SigString(s, "signature", 256));
    }

    private static string SigString(JsonElement sig, string name, int maxLength) =>
        sig.TryGetProperty(name, out var e)
            ? e.ValueKind == JsonValueKind.String && e.GetString()!.Length is > 0 and var n && n <= maxLength
                ? e.GetString()!
                : throw Invalid($"args.signature.{name}", $"expected a string of 1–{maxLength} characters, got {Describe(e)}")
            : throw Invalid($"args.signature.{name}", "is missing");

    private static string ArgString(JsonElement args, string name, int maxLength) =>
        args.TryGetProperty(name, out var e)
            ? e.ValueKind == JsonValueKind.String && e.GetString()!.Length is > 0 and var n && n <= maxLength
                ? e.GetString()!
                : throw Invalid($"args.{name}", $"expected a string of 1–{maxLength} characters, got {Describe(e)}")
            : throw Invalid($"args.{name}", "is missing");

    private static long? ArgInteger(JsonElement args, string name, long min, long max) =>
        !args.TryGetProperty(name, out var e) ? null
        : e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) && v >= min && v <= max ? v
        : throw Invalid($"args.{name}", $"expected an integer from {min} to {max}, got {Describe(e)}");

    [GeneratedRegex("^[0-9A-Za-z.+-]+$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[0-9A-Fa-f]{64}$")]
    private static partial Regex ShaPattern();
}
