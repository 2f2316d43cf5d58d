using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Residents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeGateway.Centre.Web;

/// <summary>
/// The resident record of each home (issue 29): a coordinator reads, saves, exports and erases it; the nurse who took an
/// open alarm sees it whole, access codes included. Every whole read is in the audit log under the person who asked;
/// lists carry only the summary (CentreJson.Resident). Zones are checked before any of this runs (CentreWeb.Zones.cs).
/// </summary>
public sealed partial class CentreWeb
{
    private static void MapResidents(IEndpointRouteBuilder app, DutyCentre centre)
    {
        app.MapGet("/api/residents/{id}", async ctx =>
        {
            var gateway = (string)ctx.Request.RouteValues["id"]!;
            if (await OperatorOfQueryAsync(ctx).ConfigureAwait(false) is not { } who)
            {
                return;
            }

            await AnswerAsync(ctx, async () =>
            {
                var stored = await centre.Residents.ReadAsync(gateway, who, "resident-read", cancellationToken: ctx.RequestAborted).ConfigureAwait(false);
                return stored is null ? NoRecord(gateway) : (200, w => StoredJson(w, stored));
            }).ConfigureAwait(false);
        });
        app.MapPut("/api/residents/{id}", async ctx =>
        {
            var gateway = (string)ctx.Request.RouteValues["id"]!;
            if (await ReadObjectAsync(ctx).ConfigureAwait(false) is not { } doc)
            {
                return;
            }

            using (doc)
            {
                if (await OperatorOfBodyAsync(ctx, doc.RootElement).ConfigureAwait(false) is not { } who)
                {
                    return;
                }

                var (record, problems) = ResidentJson.Read(doc.RootElement, centre.Residents.Today);
                if (record is null)
                {
                    await FieldProblemsAsync(ctx, problems).ConfigureAwait(false);
                    return;
                }

                await AnswerAsync(ctx, async () =>
                {
                    var stored = await centre.Residents.SaveAsync(gateway, record, who, ctx.RequestAborted).ConfigureAwait(false);
                    return (200, w => StoredJson(w, stored));
                }).ConfigureAwait(false);
            }
        });
        app.MapPost("/api/residents/{id}/erase", async ctx =>
        {
            var gateway = (string)ctx.Request.RouteValues["id"]!;
            if (await ReadBodyAsync(ctx, ["operator"]).ConfigureAwait(false) is not { } body)
            {
                return;
            }

            await AnswerAsync(ctx, async () =>
            {
                if (!await centre.Residents.EraseAsync(gateway, body["operator"], ctx.RequestAborted).ConfigureAwait(false))
                {
                    return NoRecord(gateway);
                }

                return (200, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("gateway", gateway);
                    w.WriteBoolean("erased", true);
                    w.WriteEndObject();
                });
            }).ConfigureAwait(false);
        });
        app.MapGet("/api/residents/{id}/export", async ctx =>
        {
            var gateway = (string)ctx.Request.RouteValues["id"]!;
            if (await OperatorOfQueryAsync(ctx).ConfigureAwait(false) is not { } who)
            {
                return;
            }

            await AnswerAsync(ctx, async () =>
            {
                var stored = await centre.Residents.ReadAsync(gateway, who, "resident-export", cancellationToken: ctx.RequestAborted).ConfigureAwait(false);
                if (stored is null)
                {
                    return NoRecord(gateway);
                }

                // Everything the centre holds about the person: the record, and every alarm of her home with what was done.
                var alarms = await centre.Archive.GatewayAlarmsAsync(gateway, DateTimeOffset.UnixEpoch, ctx.RequestAborted).ConfigureAwait(false);
                var documented = new List<(AlarmRecord, IReadOnlyList<AlarmNote>, IReadOnlyList<TimelineEntry>)>();
                foreach (var a in alarms)
                {
                    documented.Add((a, await centre.Archive.NotesAsync(a.Id, ctx.RequestAborted).ConfigureAwait(false), await centre.TimelineAsync(a, ctx.RequestAborted).ConfigureAwait(false)));
                }

                ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"resident-{FileSafe(gateway)}.json\"";
                return (200, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("exported_at", Instants.Wire(centre.Time.GetUtcNow()));
                    w.WritePropertyName("resident");
                    StoredJson(w, stored);
                    w.WriteStartArray("alarms");
                    foreach (var (a, notes, timeline) in documented)
                    {
                        CentreJson.Alarm(w, a, notes, timeline);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                });
            }).ConfigureAwait(false);
        });
        app.MapGet("/api/alarms/{id}/resident", async ctx =>
        {
            if (await AlarmIdAsync(ctx).ConfigureAwait(false) is not { } id || await OperatorOfQueryAsync(ctx).ConfigureAwait(false) is not { } who)
            {
                return;
            }

            await AnswerAsync(ctx, async () =>
            {
                var alarm = await centre.Archive.AlarmAsync(id, ctx.RequestAborted).ConfigureAwait(false);
                if (alarm is null)
                {
                    return (404, Problem(404, "id", $"no alarm {id}"));
                }

                // Access codes open a door: only to the nurse who has the alarm in hand, and only while it is open.
                if (!alarm.IsOpen || alarm.TakenBy != who)
                {
                    var why = !alarm.IsOpen ? "it is cleared" : alarm.TakenBy is null ? "nobody has taken it yet" : "another nurse has taken it";
                    return (403, Problem(403, "operator", $"the resident's details and access codes are shown only to the nurse who took an open alarm; {why}"));
                }

                var stored = await centre.Residents.ReadAsync(alarm.Gateway, who, "resident-view", id, ctx.RequestAborted).ConfigureAwait(false);
                return stored is null ? NoRecord(alarm.Gateway) : (200, w => StoredJson(w, stored));
            }).ConfigureAwait(false);
        });
    }

    private static (int, Action<Utf8JsonWriter>) NoRecord(string gateway) => (404, Problem(404, "id", $"no resident record for {PrintableText.Of(gateway, 80)}"));

    private static void StoredJson(Utf8JsonWriter w, StoredResident stored)
    {
        w.WriteStartObject();
        w.WriteString("gateway", stored.Gateway);
        ResidentJson.WriteFields(w, stored.Record);
        w.WriteString("updated_at", Instants.Wire(stored.UpdatedAt));
        w.WriteString("updated_by", stored.UpdatedBy);
        w.WriteEndObject();
    }

    private static string FileSafe(string text) => new(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());

    /// <summary>Runs <paramref name="answer"/> and writes what it returns; a <see cref="CentreActionException"/> becomes its problem.</summary>
    private static async Task AnswerAsync(HttpContext ctx, Func<Task<(int Status, Action<Utf8JsonWriter> Write)>> answer)
    {
        try
        {
            var (status, write) = await answer().ConfigureAwait(false);
            await WriteJsonAsync(ctx, status, write, status >= 400 ? "application/problem+json" : "application/json").ConfigureAwait(false);
        }
        catch (CentreActionException ex)
        {
            await ProblemAsync(ctx, ex.Status, ex.Field, ex.Message).ConfigureAwait(false);
        }
    }

    /// <summary>A 400 naming every bad field (<c>errors</c>), the first one as the problem's own <c>field</c> and <c>detail</c>.</summary>
    private static Task FieldProblemsAsync(HttpContext ctx, IReadOnlyList<FieldProblem> problems) =>
        WriteJsonAsync(ctx, 400, w =>
        {
            w.WriteStartObject();
            WriteProblemFields(w, 400, problems[0].Field, problems.Count == 1 ? problems[0].Detail : $"{problems[0].Detail} (and {problems.Count - 1} more in errors)");
            w.WriteStartArray("errors");
            foreach (var p in problems)
            {
                w.WriteStartObject();
                w.WriteString("field", p.Field);
                w.WriteString("detail", p.Detail);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }, "application/problem+json");

    /// <summary>
    /// Who reads, for the audit log: the login; without logins (loopback) the <c>operator</c> query parameter, which is then
    /// required. Writes the problem and returns null when there is nobody to record.
    /// </summary>
    private static async Task<string?> OperatorOfQueryAsync(HttpContext ctx)
    {
        var given = ctx.Request.Query["operator"].ToString().Trim();
        if (LoginOf(ctx) is { } login)
        {
            if (given.Length > 0 && given != login)
            {
                await ProblemAsync(ctx, 403, "operator", $"'operator' must be the logged-in operator '{login}' (or left out)").ConfigureAwait(false);
                return null;
            }

            return login;
        }

        if (given.Length == 0 || given.Length > 256 || TextProblem(given, allowLineBreaks: false) is not null)
        {
            await ProblemAsync(ctx, 400, "operator", "'operator' is required: who reads the record is written to the audit log (1 to 256 printable characters)").ConfigureAwait(false);
            return null;
        }

        return given;
    }

    /// <summary>The operator of a JSON body with other fields besides (as ReadBodyAsync reads it for the simple ones).</summary>
    private static async Task<string?> OperatorOfBodyAsync(HttpContext ctx, JsonElement body)
    {
        if (LoginOf(ctx) is { } login)
        {
            return await OperatorOfLoginAsync(ctx, body, login).ConfigureAwait(false);
        }

        if (!body.TryGetProperty("operator", out var v) || v.ValueKind != JsonValueKind.String || !IsUnicode(v)
            || v.GetString()!.Trim() is not { Length: > 0 and <= 256 } name || TextProblem(name, allowLineBreaks: false) is not null)
        {
            await ProblemAsync(ctx, 400, "operator", "'operator' is required: a non-empty string of at most 256 printable characters").ConfigureAwait(false);
            return null;
        }

        return name;
    }
}
