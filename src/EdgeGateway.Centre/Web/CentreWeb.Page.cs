using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeGateway.Centre.Web;

/// <summary>The nurses' page: plain HTML, CSS and JS embedded in the assembly (Web/Page/), over the JSON API and live feed.</summary>
public sealed partial class CentreWeb
{
    private static readonly (string Path, string Resource, string ContentType)[] PageFiles =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/page.css", "page.css", "text/css; charset=utf-8"),
        ("/page.js", "page.js", "text/javascript; charset=utf-8"),

        // The duty phone (issue 30): the page installed on a home screen, and the service worker that shows pushed alarms.
        ("/manifest.webmanifest", "manifest.webmanifest", "application/manifest+json; charset=utf-8"),
        ("/sw.js", "sw.js", "text/javascript; charset=utf-8"),
        ("/icon.svg", "icon.svg", "image/svg+xml"),

        // PNGs of icon.svg for what takes no SVG: Android's install prompt and notification icon (192, 512) and the iPhone's
        // home screen (180, square: iOS rounds the corners itself and would show the transparent ones black).
        ("/icon-192.png", "icon-192.png", "image/png"),
        ("/icon-512.png", "icon-512.png", "image/png"),
        ("/apple-touch-icon.png", "apple-touch-icon.png", "image/png"),
    ];

    private static void MapPage(IEndpointRouteBuilder app)
    {
        foreach (var (path, resource, contentType) in PageFiles)
        {
            var bytes = ReadResource(resource);
            app.MapGet(path, async ctx =>
            {
                // Everything comes from this origin (the centre runs on loopback or a closed network: no CDN).
                ctx.Response.Headers.ContentSecurityPolicy = "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
                ctx.Response.Headers.XContentTypeOptions = "nosniff";
                ctx.Response.Headers.CacheControl = "no-cache";
                ctx.Response.ContentType = contentType;
                if (resource == "sw.js")
                {
                    // The worker's scope is the whole page; said explicitly, so the scope still holds if the script moves.
                    ctx.Response.Headers["Service-Worker-Allowed"] = "/";
                }

                await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted).ConfigureAwait(false);
            });
        }

        // Who the page acts as: the login, or nobody (loopback: the nurse types a name, kept in the browser).
        app.MapGet("/api/me", ctx => WriteJsonAsync(ctx, 200, w =>
        {
            w.WriteStartObject();
            if (LoginOf(ctx) is { } login)
            {
                w.WriteString("operator", login);
            }
            else
            {
                w.WriteNull("operator");
            }

            w.WriteBoolean("login", LoginOf(ctx) is not null);
            WriteRoles(w, ctx);
            WriteZones(w, ctx);
            w.WriteEndObject();
        }));
    }

    private static byte[] ReadResource(string name)
    {
        using var stream = typeof(CentreWeb).Assembly.GetManifestResourceStream($"EdgeGateway.Centre.Web.Page.{name}")
            ?? throw new InvalidOperationException($"the page's {name} is not embedded in the assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
