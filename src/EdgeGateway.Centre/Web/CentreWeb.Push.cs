using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeGateway.Centre.Web;

/// <summary>
/// Web Push (issue 30): the page fetches the centre's VAPID public key, subscribes the phone with the browser's push
/// service and hands the subscription here; the centre then sends every new alarm and escalation of the homes its nurse
/// sees (<see cref="Push.PushNotifier"/>). Without <c>--vapid-key</c> all three answer 503.
/// </summary>
public sealed partial class CentreWeb
{
    private static void MapPush(IEndpointRouteBuilder app, DutyCentre centre)
    {
        app.MapGet("/api/push/key", async ctx =>
        {
            if (await OffAsync(ctx, centre).ConfigureAwait(false))
            {
                return;
            }

            await WriteJsonAsync(ctx, 200, w =>
            {
                w.WriteStartObject();
                w.WriteString("public_key", centre.Push.PublicKey);
                w.WriteEndObject();
            }).ConfigureAwait(false);
        });
        app.MapPost("/api/push/subscriptions", async ctx =>
        {
            if (await OffAsync(ctx, centre).ConfigureAwait(false) || await ReadObjectAsync(ctx).ConfigureAwait(false) is not { } doc)
            {
                return;
            }

            using (doc)
            {
                if (await OperatorOfBodyAsync(ctx, doc.RootElement).ConfigureAwait(false) is not { } who)
                {
                    return;
                }

                var (field, detail, endpoint, p256dh, auth) = SubscriptionFields(doc.RootElement);
                if (field is not null)
                {
                    await ProblemAsync(ctx, 400, field, detail!).ConfigureAwait(false);
                    return;
                }

                await AnswerAsync(ctx, async () =>
                {
                    var stored = await centre.Push.SubscribeAsync(who, endpoint!, p256dh!, auth!, ctx.RequestAborted).ConfigureAwait(false);
                    return (200, w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("endpoint", stored.Endpoint);
                        w.WriteString("operator", stored.Operator);
                        w.WriteEndObject();
                    });
                }).ConfigureAwait(false);
            }
        });
        app.MapPost("/api/push/subscriptions/remove", async ctx =>
        {
            if (await OffAsync(ctx, centre).ConfigureAwait(false) || await ReadObjectAsync(ctx).ConfigureAwait(false) is not { } doc)
            {
                return;
            }

            using (doc)
            {
                if (await OperatorOfBodyAsync(ctx, doc.RootElement).ConfigureAwait(false) is not { } who)
                {
                    return;
                }

                if (!doc.RootElement.TryGetProperty("endpoint", out var e) || e.ValueKind != JsonValueKind.String || !IsUnicode(e) || e.GetString()!.Length == 0)
                {
                    await ProblemAsync(ctx, 400, "endpoint", "'endpoint' is required: the subscription's endpoint URL").ConfigureAwait(false);
                    return;
                }

                var endpoint = e.GetString()!;
                await AnswerAsync(ctx, async () =>
                {
                    var removed = await centre.Push.UnsubscribeAsync(who, endpoint, ctx.RequestAborted).ConfigureAwait(false);
                    return (200, w =>
                    {
                        w.WriteStartObject();
                        w.WriteBoolean("removed", removed);
                        w.WriteEndObject();
                    });
                }).ConfigureAwait(false);
            }
        });
    }

    /// <summary>Answers 503 and returns true when push is off: the page then hides its "Notify this phone" button.</summary>
    private static async Task<bool> OffAsync(HttpContext ctx, DutyCentre centre)
    {
        if (centre.Push.Enabled)
        {
            return false;
        }

        await ProblemAsync(ctx, 503, "push", "push to duty phones is off: start the centre with --vapid-key FILE --vapid-subject mailto:ADDRESS").ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The strings of <c>subscription</c> as <c>PushSubscription.toJSON()</c> gives them, or the first field that is missing
    /// or no string (its value is checked by <see cref="Push.PushNotifier.SubscribeAsync"/>).
    /// </summary>
    private static (string? Field, string? Detail, string? Endpoint, string? P256dh, string? Auth) SubscriptionFields(JsonElement body)
    {
        if (!body.TryGetProperty("subscription", out var s) || s.ValueKind != JsonValueKind.Object)
        {
            return ("subscription", "'subscription' is required: the object PushSubscription.toJSON() gives", null, null, null);
        }

        static string? Text(JsonElement parent, string name) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && IsUnicode(v) ? v.GetString() : null;

        var keys = s.TryGetProperty("keys", out var k) ? k : default;
        var (endpoint, p256dh, auth) = (Text(s, "endpoint"), Text(keys, "p256dh"), Text(keys, "auth"));
        return endpoint is null ? ("subscription.endpoint", "'subscription.endpoint' is required: the push service's URL for this phone", null, null, null)
            : p256dh is null ? ("subscription.keys.p256dh", "'subscription.keys.p256dh' is required: the phone's public key in base64url", null, null, null)
            : auth is null ? ("subscription.keys.auth", "'subscription.keys.auth' is required: the phone's authentication secret in base64url", null, null, null)
            : (null, null, endpoint, p256dh, auth);
    }
}
