using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace EdgeGateway.Centre.Web;

/// <summary>
/// What every request passes before the API sees it (docs/security.md, "The duty centre's web side"): a failure is logged
/// and answered with a problem body; only the centre's own host names are served (DNS rebinding); a state-changing
/// request must be JSON from the centre's own origin (cross-site requests); every answer says nosniff, and over TLS, HSTS.
/// </summary>
public sealed partial class CentreWeb
{
    private static void UseGuards(WebApplication app, IPEndPoint endpoint, CentreWebSecurity security, ILogger logger) =>
        app.Use(async (ctx, next) =>
        {
            var headers = ctx.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            if (ctx.Request.IsHttps)
            {
                // A year, as browsers' preload lists expect; the centre's name then never falls back to plain HTTP.
                headers.StrictTransportSecurity = "max-age=31536000";
            }

            try
            {
                if (await RefusedAsync(ctx, endpoint, security, logger).ConfigureAwait(false))
                {
                    return;
                }

                await next(ctx).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                LogRefused(logger, ctx.Request.Method, Printable(ctx.Request.Path), "body too large");
                await AnswerFailureAsync(ctx, 413, "$", $"body larger than {MaxBody} bytes").ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nothing to answer.
            }
            catch (Exception ex)
            {
                // Every failure leaves a trace an operator can find by this id, and the caller gets it too.
                LogFailed(logger, ex, ctx.TraceIdentifier, ctx.Request.Method, Printable(ctx.Request.Path), ex.GetType().Name);
                await AnswerFailureAsync(ctx, 500, "$", $"the centre could not answer (logged as {ctx.TraceIdentifier}, event {FailedEventId})").ConfigureAwait(false);
            }
        });

    private const int FailedEventId = 3260;

    private static async Task AnswerFailureAsync(HttpContext ctx, int status, string field, string detail)
    {
        if (ctx.Response.HasStarted)
        {
            ctx.Abort(); // Half an answer must not pass for a whole one.
            return;
        }

        ctx.Response.Clear();
        ctx.Response.Headers.XContentTypeOptions = "nosniff";
        await ProblemAsync(ctx, status, field, detail).ConfigureAwait(false);
    }

    /// <summary>Answers and returns true when the request must not reach the API.</summary>
    private static async Task<bool> RefusedAsync(HttpContext ctx, IPEndPoint endpoint, CentreWebSecurity security, ILogger logger)
    {
        var request = ctx.Request;
        var host = request.Host.Host;
        if (!HostAllowed(host, endpoint, security.Hosts))
        {
            LogRefused(logger, request.Method, Printable(request.Path), $"host '{Printable(host)}'");
            await ProblemAsync(ctx, 421, "Host", $"'{Printable(host)}' is not a name of this centre (--web-host)").ConfigureAwait(false);
            return true;
        }

        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return false;
        }

        // A form or text/plain POST needs no CORS preflight, so a page elsewhere could send it with the nurse's login.
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            LogRefused(logger, request.Method, Printable(request.Path), $"content type '{Printable(request.ContentType ?? "")}'");
            await ProblemAsync(ctx, 415, "Content-Type", $"a state-changing request must be application/json, got '{Printable(request.ContentType ?? "")}'").ConfigureAwait(false);
            return true;
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            LogRefused(logger, request.Method, Printable(request.Path), $"Sec-Fetch-Site {Printable(site)}");
            await ProblemAsync(ctx, 403, "Sec-Fetch-Site", $"a state-changing request must come from the centre's own page, not '{Printable(site)}'").ConfigureAwait(false);
            return true;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !SameOrigin(origin, request))
        {
            LogRefused(logger, request.Method, Printable(request.Path), $"origin '{Printable(origin)}'");
            await ProblemAsync(ctx, 403, "Origin", $"a state-changing request must come from the centre's own origin, not '{Printable(origin)}'").ConfigureAwait(false);
            return true;
        }

        return false;
    }

    /// <summary>
    /// True for a configured name; for an IP literal when the centre listens on every interface or on a non-loopback
    /// address (a rebinding attack needs a name the attacker controls); on loopback, for loopback literals and localhost only.
    /// </summary>
    internal static bool HostAllowed(string host, IPEndPoint endpoint, IReadOnlyList<string> names)
    {
        if (host.Length == 0)
        {
            return false;
        }

        if (names.Any(n => string.Equals(n, host, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal) && (host.Contains(':', StringComparison.Ordinal) == host.StartsWith('[')))
        {
            return !IPAddress.IsLoopback(endpoint.Address) || IPAddress.IsLoopback(literal);
        }

        return IPAddress.IsLoopback(endpoint.Address) && string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase);
    }

    private static bool SameOrigin(string origin, HttpRequest request)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }

        var port = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        return string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Host.Trim('[', ']'), request.Host.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)
            && uri.Port == port;
    }

    private static string Printable(string? text) => PrintableText.Of(text ?? "");

    [LoggerMessage(EventId = FailedEventId, Level = LogLevel.Error, Message = "Web request {TraceId} {Method} {Path} failed ({Error}); answered 500 with a problem body")]
    private static partial void LogFailed(ILogger logger, Exception exception, string traceId, string method, string path, string error);

    [LoggerMessage(EventId = 3261, Level = LogLevel.Warning, Message = "Web request {Method} {Path} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string reason);
}
