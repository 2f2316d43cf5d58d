using System.Text.Json;
using EdgeGateway.Centre.Archive;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeGateway.Centre.Web;

/// <summary>Handling an alarm step by step (call-back, help on the way, arrived) and a home's past alarms.</summary>
public sealed partial class CentreWeb
{
    private const int DefaultHistoryDays = 30;
    private const int MaxHistoryDays = 90;

    private static void MapTimeline(IEndpointRouteBuilder app, DutyCentre centre)
    {
        // The operator is read exactly as for take and notes (ReadBodyAsync): with logins, the logged-in one.
        app.MapPost("/api/alarms/{id}/callbacks", ctx => ActAsync(ctx, ["operator", "outcome", "text"], async (id, body) =>
            await StepResultAsync(centre, await centre.CallBackAsync(id, body["operator"], body["outcome"], body.GetValueOrDefault("text"), ctx.RequestAborted).ConfigureAwait(false), ctx.RequestAborted).ConfigureAwait(false),
            optional: ["text"]));
        app.MapPost("/api/alarms/{id}/help", ctx => ActAsync(ctx, ["operator", "text"], async (id, body) =>
            await StepResultAsync(centre, await centre.HelpOnTheWayAsync(id, body["operator"], body["text"], ctx.RequestAborted).ConfigureAwait(false), ctx.RequestAborted).ConfigureAwait(false)));
        app.MapPost("/api/alarms/{id}/arrived", ctx => ActAsync(ctx, ["operator", "text"], async (id, body) =>
            await StepResultAsync(centre, await centre.ArrivedAsync(id, body["operator"], body.GetValueOrDefault("text"), ctx.RequestAborted).ConfigureAwait(false), ctx.RequestAborted).ConfigureAwait(false),
            optional: ["text"]));
        app.MapGet("/api/gateways/{id}/alarms", async ctx =>
        {
            var gateway = (string)ctx.Request.RouteValues["id"]!;
            if (await QueryCountAsync(ctx, "days", DefaultHistoryDays, MaxHistoryDays).ConfigureAwait(false) is not { } days)
            {
                return;
            }

            if (await centre.Archive.GatewayAsync(gateway, ctx.RequestAborted).ConfigureAwait(false) is null)
            {
                await ProblemAsync(ctx, 404, "id", $"no gateway {PrintableText.Of(gateway, 80)}").ConfigureAwait(false);
                return;
            }

            var alarms = await centre.Archive.GatewayAlarmsAsync(gateway, centre.Time.GetUtcNow().AddDays(-days), ctx.RequestAborted).ConfigureAwait(false);
            await WriteJsonAsync(ctx, 200, w =>
            {
                w.WriteStartArray();
                foreach (var a in alarms)
                {
                    CentreJson.Alarm(w, a);
                }

                w.WriteEndArray();
            }).ConfigureAwait(false);
        });
    }

    /// <summary>The answer to a step: the step stored and the alarm as it now is, with its timeline (the page redraws the card from it).</summary>
    private static async Task<Action<Utf8JsonWriter>> StepResultAsync(DutyCentre centre, AlarmStep step, CancellationToken ct)
    {
        var alarm = (await centre.Archive.AlarmAsync(step.Alarm, ct).ConfigureAwait(false))!;
        var timeline = await centre.TimelineAsync(alarm, ct).ConfigureAwait(false);
        return w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("step");
            TimelineJson.Step(w, step);
            w.WritePropertyName("alarm");
            CentreJson.Alarm(w, alarm, timeline: timeline);
            w.WriteEndObject();
        };
    }
}
