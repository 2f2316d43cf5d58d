using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeGateway.Centre.Rollouts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeGateway.Centre.Web;

/// <summary>
/// Release rollouts (issue 32): the signed archives the gateways download (<c>GET /releases/{file}</c>, with Range so a
/// broken 4G download resumes; no login: an archive is signed and holds no secret, docs/security.md), the rollout's state
/// (<c>GET /api/rollout</c>), its start from a signed archive in the releases directory (<c>GET /api/releases</c>,
/// <c>POST /api/rollout</c>) and its halt (<c>POST /api/rollout/halt</c>), the last three a technician's.
/// </summary>
public sealed partial class CentreWeb
{
    /// <summary>The path prefix of the release archives, served without login.</summary>
    internal const string ReleasesPrefix = "/releases/";

    [GeneratedRegex("^[A-Za-z0-9._+-]+$")]
    private static partial Regex ReleaseFileName();

    private static void MapRollout(IEndpointRouteBuilder app, DutyCentre centre)
    {
        app.MapGet(ReleasesPrefix + "{file}", async ctx =>
        {
            var name = (string)ctx.Request.RouteValues["file"]!;
            if (ReleaseFile(centre.ReleasesDirectory, name) is not { } path)
            {
                await ProblemAsync(ctx, 404, "file", $"no release {PrintableText.Of(name, 80)}").ConfigureAwait(false);
                return;
            }

            // Range and If-Range handled by the framework: 206 for a part, 416 past the end, so a download resumes.
            await TypedResults.PhysicalFile(path, "application/octet-stream", enableRangeProcessing: true).ExecuteAsync(ctx).ConfigureAwait(false);
        });
        app.MapGet("/api/rollout", async ctx =>
        {
            var rollout = await centre.Archive.LatestRolloutAsync(ctx.RequestAborted).ConfigureAwait(false);

            // An operator given zones sees her zones' homes in it, as in every other list.
            var (_, sees) = await VisibleAsync(ctx, centre).ConfigureAwait(false);
            var homes = rollout is null ? [] : (await centre.Archive.RolloutHomesAsync(rollout.Id, ctx.RequestAborted).ConfigureAwait(false)).Where(h => sees(h.Gateway)).ToList();
            var fleet = await RolloutFleet.ReadAsync(centre.Archive, ctx.RequestAborted).ConfigureAwait(false);
            await WriteJsonAsync(ctx, 200, w => RolloutStatusJson(w, rollout, homes, fleet)).ConfigureAwait(false);
        });
        app.MapGet("/api/releases", async ctx =>
        {
            if (centre.RolloutStarter is not { } starter)
            {
                await ProblemAsync(ctx, 503, "rollout", NoStarter).ConfigureAwait(false);
                return;
            }

            var offers = starter.Releases();
            await WriteJsonAsync(ctx, 200, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("releases");
                foreach (var o in offers)
                {
                    w.WriteStartObject();
                    w.WriteString("file", o.File);
                    w.WriteString("version", o.Version);
                    w.WriteNumber("size", o.Size);
                    w.WriteString("keyId", o.KeyId);
                    w.WriteBoolean("ok", o.Ok);
                    w.WriteString("reason", o.Reason);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }).ConfigureAwait(false);
        });
        app.MapPost("/api/rollout", async ctx =>
        {
            if (centre.RolloutStarter is not { } starter)
            {
                await ProblemAsync(ctx, 503, "rollout", NoStarter).ConfigureAwait(false);
                return;
            }

            if (await ReadObjectAsync(ctx).ConfigureAwait(false) is not { } doc)
            {
                return;
            }

            RolloutStartResult started;
            using (doc)
            {
                if (await OperatorOfBodyAsync(ctx, doc.RootElement).ConfigureAwait(false) is not { } who
                    || await StartRequestAsync(ctx, doc.RootElement, who).ConfigureAwait(false) is not { } request)
                {
                    return;
                }

                started = await starter.StartAsync(centre.Archive, request, ctx.RequestAborted).ConfigureAwait(false);
            }

            if (started.Running)
            {
                await ProblemAsync(ctx, 409, "rollout", "a rollout is running already; halt it first").ConfigureAwait(false);
                return;
            }

            if (started.Rollout is not { } rollout)
            {
                await ProblemAsync(ctx, 400, started.Field ?? "$", $"'{started.Field}' {started.Detail}").ConfigureAwait(false);
                return;
            }

            centre.Changes.Publish(new CentreChange("rollout", null, null));
            var (_, sees) = await VisibleAsync(ctx, centre).ConfigureAwait(false);
            var homes = (await centre.Archive.RolloutHomesAsync(rollout.Id, ctx.RequestAborted).ConfigureAwait(false)).Where(h => sees(h.Gateway)).ToList();
            await WriteJsonAsync(ctx, 201, w => RolloutJsonOf(w, rollout, homes)).ConfigureAwait(false);
        });
        app.MapPost("/api/rollout/halt", async ctx =>
        {
            if (await ReadBodyAsync(ctx, ["operator", "reason"]).ConfigureAwait(false) is not { } body)
            {
                return;
            }

            var halted = await RolloutDriver.HaltAsync(centre.Archive, body["operator"], body["reason"], centre.Time.GetUtcNow(), ctx.RequestAborted).ConfigureAwait(false);
            if (halted is null)
            {
                await ProblemAsync(ctx, 409, "rollout", "no rollout is running").ConfigureAwait(false);
                return;
            }

            centre.Changes.Publish(new CentreChange("rollout", null, null));
            var homes = await centre.Archive.RolloutHomesAsync(halted.Id, ctx.RequestAborted).ConfigureAwait(false);
            await WriteJsonAsync(ctx, 200, w => RolloutJsonOf(w, halted, homes)).ConfigureAwait(false);
        });
    }

    private const string NoStarter = "starting a rollout from the page needs central --release-key and --releases-dir";

    // The start's fields from a POST /api/rollout body; writes the problem (naming the field) and returns null when one is wrong.
    private static async Task<RolloutStartRequest?> StartRequestAsync(HttpContext ctx, JsonElement body, string who)
    {
        string? Text(string field) => body.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && IsUnicode(v) ? v.GetString()!.Trim() : null;
        int? Number(string field, int fallback, out bool bad)
        {
            bad = false;
            if (!body.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return fallback;
            }

            bad = v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out _);
            return bad ? null : v.GetInt32();
        }

        if (Text("archive") is not { Length: > 0 and <= 256 } archive)
        {
            await ProblemAsync(ctx, 400, "archive", "'archive' is required: the file name of a signed archive in the releases directory (GET /api/releases)").ConfigureAwait(false);
            return null;
        }

        var wavesText = Text("waves") ?? "1,5,25,100";
        int[] waves;
        try
        {
            waves = [.. wavesText.Split(',').Select(p => int.Parse(p.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture))];
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            await ProblemAsync(ctx, 400, "waves", $"'waves' '{PrintableText.Of(wavesText, 80)}' is invalid: expected rising cumulative percentages ending at 100, e.g. 1,5,25,100").ConfigureAwait(false);
            return null;
        }

        RolloutWindow? window = null;
        if (Text("window") is { Length: > 0 } windowText)
        {
            try
            {
                window = RolloutWindow.Parse(windowText);
            }
            catch (FormatException ex)
            {
                await ProblemAsync(ctx, 400, "window", $"'window' {ex.Message}").ConfigureAwait(false);
                return null;
            }
        }

        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (field, fallback) in new[] { ("maxFailures", 0), ("soakMinutes", 30), ("gateSeconds", 300) })
        {
            if (Number(field, fallback, out var bad) is not { } n || bad)
            {
                await ProblemAsync(ctx, 400, field, $"'{field}' must be a whole number").ConfigureAwait(false);
                return null;
            }

            numbers[field] = n;
        }

        if (numbers["soakMinutes"] is < 0 or > 7 * 24 * 60)
        {
            await ProblemAsync(ctx, 400, "soakMinutes", $"'soakMinutes' {numbers["soakMinutes"]} is invalid: expected 0 to {7 * 24 * 60}").ConfigureAwait(false);
            return null;
        }

        var canaries = new List<string>();
        if (body.TryGetProperty("canaries", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String || !IsUnicode(c) || c.GetString()!.Trim().Length is 0 or > 128))
            {
                await ProblemAsync(ctx, 400, "canaries", "'canaries' must be an array of gateway ids").ConfigureAwait(false);
                return null;
            }

            canaries.AddRange(list.EnumerateArray().Select(c => c.GetString()!.Trim()));
        }

        return new RolloutStartRequest(archive, who, waves, window, numbers["maxFailures"], TimeSpan.FromMinutes(numbers["soakMinutes"]), numbers["gateSeconds"], null, canaries);
    }

    /// <summary>The file <paramref name="name"/> in <paramref name="directory"/>, or null when there is none, the name is not a plain file name or it would leave the directory.</summary>
    internal static string? ReleaseFile(string? directory, string name)
    {
        if (directory is null || !ReleaseFileName().IsMatch(name) || name.StartsWith('.'))
        {
            return null;
        }

        var root = Path.GetFullPath(directory);
        var path = Path.GetFullPath(Path.Combine(root, name));
        return Path.GetDirectoryName(path) == root.TrimEnd(Path.DirectorySeparatorChar) && File.Exists(path) ? path : null;
    }

    private static void RolloutStatusJson(Utf8JsonWriter w, RolloutRecord? rollout, IReadOnlyList<RolloutHome> homes, IReadOnlyList<FleetHome> fleet)
    {
        w.WriteStartObject();
        w.WritePropertyName("rollout");
        if (rollout is null)
        {
            w.WriteNullValue();
        }
        else
        {
            RolloutJsonOf(w, rollout, homes);
        }

        w.WriteStartArray("fleet");
        foreach (var g in fleet.GroupBy(h => h.Version ?? "unknown", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("version", g.Key);
            w.WriteNumber("homes", g.Count());
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void RolloutJsonOf(Utf8JsonWriter w, RolloutRecord rollout, IReadOnlyList<RolloutHome> homes)
    {
        w.WriteStartObject();
        w.WritePropertyName("spec");
        RolloutJson.Write(w, rollout.Spec);
        w.WriteString("state", rollout.State);
        w.WriteNumber("wave", rollout.Wave);
        CentreJson.Time(w, "wavePassedAt", rollout.WavePassedAt);
        // WriteString writes JSON null for a null string: the API's "null while none" without a branch.
        w.WriteString("haltReason", rollout.HaltReason);

        CentreJson.Time(w, "updatedAt", rollout.UpdatedAt);
        w.WriteStartArray("homes");
        foreach (var h in homes)
        {
            w.WriteStartObject();
            w.WriteString("gateway", h.Gateway);
            w.WriteString("zone", h.Zone);
            w.WriteNumber("wave", h.Wave);
            w.WriteString("state", h.State);
            w.WriteNumber("tries", h.Tries);
            CentreJson.Time(w, "sentAt", h.SentAt);
            CentreJson.Time(w, "doneAt", h.DoneAt);
            w.WriteString("reason", h.Reason);

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
