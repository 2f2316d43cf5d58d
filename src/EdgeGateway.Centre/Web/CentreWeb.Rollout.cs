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
/// (<c>GET /api/rollout</c>) and its halt (<c>POST /api/rollout/halt</c>, a technician's).
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
            var homes = rollout is null ? [] : await centre.Archive.RolloutHomesAsync(rollout.Id, ctx.RequestAborted).ConfigureAwait(false);
            var fleet = await RolloutFleet.ReadAsync(centre.Archive, ctx.RequestAborted).ConfigureAwait(false);
            await WriteJsonAsync(ctx, 200, w => RolloutStatusJson(w, rollout, homes, fleet)).ConfigureAwait(false);
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
        if (rollout.HaltReason is { } reason)
        {
            w.WriteString("haltReason", reason);
        }
        else
        {
            w.WriteNull("haltReason");
        }

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
            if (h.Reason is { } r)
            {
                w.WriteString("reason", r);
            }
            else
            {
                w.WriteNull("reason");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
