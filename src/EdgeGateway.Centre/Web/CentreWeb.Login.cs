using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.Centre.Web;

/// <summary>Operator login (HTTP Basic over TLS): who is acting, so every action is recorded under a real name.</summary>
public sealed partial class CentreWeb
{
    private const string LoginKey = "edgegateway.operator";
    private const string RevokedKey = "edgegateway.revoked";

    // Basic because the browser asks for it natively on the page, and then sends it with every fetch and the live feed of
    // the same origin: no login form, no cookie or token to keep. It is only ever offered over TLS off loopback.
    private static void UseLogin(WebApplication app, OperatorLogins logins) =>
        app.Use(async (ctx, next) =>
        {
            // A release archive is signed and holds no secret; the gateways that download it have no operator login.
            if (IsRelease(ctx))
            {
                await next(ctx).ConfigureAwait(false);
                return;
            }

            var credentials = TryBasic(ctx.Request.Headers.Authorization.ToString());
            var result = credentials is var (name, password)
                ? await logins.CheckAsync(name, password, ctx.Connection.RemoteIpAddress, ctx.RequestAborted).ConfigureAwait(false)
                : (LoginResult?)null;
            if (result is { Outcome: LoginOutcome.Accepted } && credentials is var (login, _))
            {
                ctx.Items[LoginKey] = login;
                ctx.Items[RevokedKey] = logins.Revoked(login);
                await next(ctx).ConfigureAwait(false);
                return;
            }

            if (result is { RetryAfter: var wait } && wait > TimeSpan.Zero)
            {
                ctx.Response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            // Locked out: 429 without a new login prompt (the browser would only ask again); the password was not looked at.
            if (result is { Outcome: LoginOutcome.TooMany })
            {
                await ProblemAsync(ctx, 429, "Authorization", "too many failed logins for this operator or from this address: wait and try again (see Retry-After)").ConfigureAwait(false);
                return;
            }

            ctx.Response.Headers.WWWAuthenticate = "Basic realm=\"EdgeGateway duty centre\", charset=\"UTF-8\"";
            await ProblemAsync(ctx, 401, "Authorization", "log in with an operator account (HTTP Basic: name and password)").ConfigureAwait(false);
        });

    private static bool IsRelease(HttpContext ctx) =>
        HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method)
            ? ctx.Request.Path.StartsWithSegments(ReleasesPrefix.TrimEnd('/'), StringComparison.Ordinal)
            : false;

    private static (string Name, string Password)? TryBasic(string header)
    {
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 ? (text[..colon], text[(colon + 1)..]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Cancelled when the logged-in operator is removed or gets a new password (never without login): ends their live feed.</summary>
    private static CancellationToken RevokedOf(HttpContext ctx) => ctx.Items.TryGetValue(RevokedKey, out var token) && token is CancellationToken revoked ? revoked : CancellationToken.None;

    /// <summary>The logged-in operator, or null when the page is served without login (loopback).</summary>
    private static string? LoginOf(HttpContext ctx) => ctx.Items.TryGetValue(LoginKey, out var name) ? name as string : null;

    /// <summary>
    /// The operator an action is recorded under when logged in: the login, and a body naming somebody else is refused
    /// (403), so one nurse cannot act in another's name. Writes the problem and returns null when refused.
    /// </summary>
    private static async Task<string?> OperatorOfLoginAsync(HttpContext ctx, JsonElement body, string login)
    {
        if (!body.TryGetProperty("operator", out var given) || given.ValueKind == JsonValueKind.Null)
        {
            return login;
        }

        if (given.ValueKind != JsonValueKind.String || given.GetString()!.Trim() != login)
        {
            await ProblemAsync(ctx, 403, "operator", $"'operator' must be the logged-in operator '{login}' (or left out), got {given.GetRawText()}").ConfigureAwait(false);
            return null;
        }

        return login;
    }
}
