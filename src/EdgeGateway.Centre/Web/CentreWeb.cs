using System.Globalization;
using System.Net;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Web;

/// <summary>
/// The duty centre's JSON API and live feed (docs/centre-api.yaml) over a <see cref="DutyCentre"/>: what the nurses' page
/// calls, and the page itself (CentreWeb.Page.cs). Loopback needs no login; any other address needs TLS and operator
/// accounts (CentreWeb.Login.cs, <see cref="CentreWebSecurity"/>).
/// </summary>
public sealed partial class CentreWeb : IAsyncDisposable
{
    private const int MaxBody = 16 * 1024;

    // Often enough that the page's ages never drift far from the centre's clock, and a keep-alive for proxies; on the
    // demo's scenario clock (60x by default) that is 4 small events a second.
    private static readonly TimeSpan ClockInterval = TimeSpan.FromSeconds(15);
    private readonly WebApplication _app;
    private readonly OperatorLogins? _logins;

    private CentreWeb(WebApplication app, Uri url, OperatorLogins? logins)
    {
        _app = app;
        Url = url;
        _logins = logins;
    }

    /// <summary>The base URL, e.g. http://127.0.0.1:8080/.</summary>
    public Uri Url { get; }

    /// <summary>Reads <c>--web ADDRESS:PORT</c>; whether the address needs TLS and login is <see cref="CentreWebSecurity.RequiredFor"/>.</summary>
    /// <exception cref="FormatException">Not an address:port; the message says so.</exception>
    public static IPEndPoint ParseAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!IPEndPoint.TryParse(address, out var endpoint) || !address.Contains(':', StringComparison.Ordinal))
        {
            throw new FormatException($"'{address}' is not ADDRESS:PORT, e.g. 127.0.0.1:8080");
        }

        return endpoint;
    }

    /// <summary>Starts serving <paramref name="centre"/> on a loopback <paramref name="endpoint"/> (port 0: a free one), plain HTTP without login.</summary>
    public static Task<CentreWeb> StartAsync(DutyCentre centre, IPEndPoint endpoint, CancellationToken cancellationToken = default) =>
        StartAsync(centre, endpoint, CentreWebSecurity.None, cancellationToken);

    /// <summary>Starts serving <paramref name="centre"/> on <paramref name="endpoint"/> (port 0: a free one) with <paramref name="security"/>.</summary>
    /// <exception cref="InvalidOperationException">A non-loopback endpoint without TLS and accounts (<see cref="CentreWebSecurity.CheckFor"/>).</exception>
    public static Task<CentreWeb> StartAsync(DutyCentre centre, IPEndPoint endpoint, CentreWebSecurity security, CancellationToken cancellationToken = default) =>
        StartAsync(centre, endpoint, security, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, cancellationToken);

    /// <summary>Starts serving <paramref name="centre"/> on <paramref name="endpoint"/> with <paramref name="security"/>, logging every refused or failed request to <paramref name="logger"/>.</summary>
    /// <exception cref="InvalidOperationException">A non-loopback endpoint without TLS and accounts (<see cref="CentreWebSecurity.CheckFor"/>).</exception>
    public static async Task<CentreWeb> StartAsync(DutyCentre centre, IPEndPoint endpoint, CentreWebSecurity security, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(centre);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(security);
        ArgumentNullException.ThrowIfNull(logger);
        security.CheckFor(endpoint);

        var builder = WebApplication.CreateSlimBuilder();

        // Stdout is the event stream of `central` (one JSON line per event): the web host's own logging stays off, and what
        // it refuses or fails at goes to the logger given (UseGuards), which `central` writes to stderr.
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Kestrel counts while it reads: a body past the limit fails at that byte instead of being buffered first.
            k.Limits.MaxRequestBodySize = MaxBody;
            k.Listen(endpoint, listen =>
            {
                if (security.Certificate is { } certificate)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        var logins = security.Accounts is { } accounts ? new OperatorLogins(accounts, centre.Time, security.Audit, security.Limits) : null;
        try
        {
            UseGuards(app, endpoint, security, logger);
            if (logins is not null)
            {
                UseLogin(app, logins);
                UseRoles(app, logins, logger);
                UseZones(app, centre);

                // The duty phones follow the same accounts, reloaded with the file, as the page does.
                centre.Push.Accounts = () => logins.Accounts;
                LogDefaultedRoles(logger, logins.Accounts);
            }

            MapPage(app);
            Map(app, centre);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            logins?.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CentreWeb(app, new Uri(address.EndsWith('/') ? address : address + "/"), logins);
    }

    private static void Map(IEndpointRouteBuilder app, DutyCentre centre)
    {
        app.MapGet("/api/gateways", async ctx =>
        {
            var (residents, sees) = await VisibleAsync(ctx, centre).ConfigureAwait(false);
            var gateways = (await centre.Archive.GatewaysAsync(ctx.RequestAborted).ConfigureAwait(false)).Where(g => sees(g.Id)).ToList();
            await WriteJsonAsync(ctx, 200, w =>
            {
                w.WriteStartArray();
                foreach (var g in gateways)
                {
                    CentreJson.Gateway(w, g, centre.PathsOf(g), residents);
                }

                w.WriteEndArray();
            }).ConfigureAwait(false);
        });
        app.MapGet("/api/alarms", async ctx =>
        {
            var state = ctx.Request.Query["state"].ToString();
            if (state is not ("" or "open" or "all"))
            {
                await ProblemAsync(ctx, 400, "state", $"state must be 'open' or 'all', got '{state}'").ConfigureAwait(false);
                return;
            }

            var alarms = await centre.Archive.AlarmsAsync(openOnly: state != "all", ctx.RequestAborted).ConfigureAwait(false);
            var (residents, sees) = await VisibleAsync(ctx, centre).ConfigureAwait(false);

            // Most urgent first (priority 0 is the highest), then oldest.
            var ordered = alarms.Where(a => sees(a.Gateway)).OrderBy(a => a.IsOpen ? 0 : 1).ThenBy(a => a.Priority).ThenBy(a => a.ReceivedAt).ToList();
            await WriteJsonAsync(ctx, 200, w =>
            {
                w.WriteStartArray();
                foreach (var a in ordered)
                {
                    CentreJson.Alarm(w, a, residents: residents);
                }

                w.WriteEndArray();
            }).ConfigureAwait(false);
        });
        app.MapGet("/api/alarms/{id}", async ctx =>
        {
            if (await AlarmIdAsync(ctx) is not { } id)
            {
                return;
            }

            var alarm = await centre.Archive.AlarmAsync(id, ctx.RequestAborted).ConfigureAwait(false);
            if (alarm is null)
            {
                await ProblemAsync(ctx, 404, "id", $"no alarm {id}").ConfigureAwait(false);
                return;
            }

            var notes = await centre.Archive.NotesAsync(id, ctx.RequestAborted).ConfigureAwait(false);
            var timeline = await centre.TimelineAsync(alarm, ctx.RequestAborted).ConfigureAwait(false);
            var residents = await centre.Residents.DirectoryAsync(ctx.RequestAborted).ConfigureAwait(false);
            await WriteJsonAsync(ctx, 200, w => CentreJson.Alarm(w, alarm, notes, timeline, residents)).ConfigureAwait(false);
        });
        app.MapPost("/api/alarms/{id}/take", ctx => ActAsync(ctx, ["operator"], async (id, body) =>
            CentreJson.ActionResult(await centre.TakeAsync(id, body["operator"], ctx.RequestAborted).ConfigureAwait(false))));
        app.MapPost("/api/alarms/{id}/clear", ctx => ActAsync(ctx, ["operator", "reason"], async (id, body) =>
            CentreJson.ActionResult(await centre.ClearAsync(id, body["operator"], body["reason"], ctx.RequestAborted).ConfigureAwait(false))));
        app.MapPost("/api/alarms/{id}/notes", ctx => ActAsync(ctx, ["operator", "text"], async (id, body) =>
        {
            var note = await centre.AddNoteAsync(id, body["operator"], body["text"], ctx.RequestAborted).ConfigureAwait(false);
            return (Action<Utf8JsonWriter>)(w => CentreJson.Note(w, note));
        }));
        app.MapPost("/api/gateways/{id}/test", async ctx =>
        {
            var gateway = (string)ctx.Request.RouteValues["id"]!;
            if (await ReadBodyAsync(ctx, ["operator"]).ConfigureAwait(false) is not { } body)
            {
                return;
            }

            try
            {
                var result = await centre.TestAsync(gateway, body["operator"], ctx.RequestAborted).ConfigureAwait(false);
                await WriteJsonAsync(ctx, 200, w => CentreJson.Test(w, result)).ConfigureAwait(false);
            }
            catch (CentreActionException ex)
            {
                await ProblemAsync(ctx, ex.Status, ex.Field, ex.Message).ConfigureAwait(false);
            }
        });
        MapTimeline(app, centre);
        MapResidents(app, centre);
        MapPush(app, centre);
        MapReport(app, centre);
        MapAudit(app, centre);
        MapRollout(app, centre);
        MapOutages(app, centre);
        app.MapGet("/api/rejected", async ctx =>
        {
            var (_, sees) = await VisibleAsync(ctx, centre).ConfigureAwait(false);
            var rejected = (await centre.Archive.RejectedAsync(100, ctx.RequestAborted).ConfigureAwait(false)).Where(r => sees(r.Gateway)).ToList();
            await WriteJsonAsync(ctx, 200, w =>
            {
                w.WriteStartArray();
                foreach (var r in rejected)
                {
                    CentreJson.Rejected(w, r);
                }

                w.WriteEndArray();
            }).ConfigureAwait(false);
        });
        app.MapGet("/api/events/stream", async ctx =>
        {
            using var subscription = centre.Changes.Subscribe();
            ctx.Response.ContentType = "text/event-stream";
            ctx.Response.Headers.CacheControl = "no-cache";
            await ctx.Response.WriteAsync(": connected\n\n", ctx.RequestAborted).ConfigureAwait(false);

            // The page counts every age against the centre's clock, never its own (a tablet's clock may be hours off,
            // the demo's runs on a scenario clock): the centre's now first, then every ClockInterval of the centre's time.
            using var ticks = new PeriodicTimer(ClockInterval, centre.Time);
            using var feed = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, RevokedOf(ctx));
            var ct = feed.Token;
            try
            {
                var shown = await ShownAsync(ctx, centre).ConfigureAwait(false);
                await WriteClockAsync(ctx, centre.Time, ct).ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                var read = subscription.Reader.WaitToReadAsync(ct).AsTask();
                var tick = ticks.WaitForNextTickAsync(ct).AsTask();
                while (true)
                {
                    if (await Task.WhenAny(read, tick).ConfigureAwait(false) == tick)
                    {
                        if (!await tick.ConfigureAwait(false))
                        {
                            break;
                        }

                        await WriteClockAsync(ctx, centre.Time, ct).ConfigureAwait(false);
                        tick = ticks.WaitForNextTickAsync(ct).AsTask();
                    }
                    else
                    {
                        if (!await read.ConfigureAwait(false))
                        {
                            break;
                        }

                        var (residents, sees) = await VisibleAsync(ctx, centre).ConfigureAwait(false);
                        while (subscription.Reader.TryRead(out var change))
                        {
                            var home = change.Alarm?.Gateway ?? change.Gateway?.Id;

                            // A change that names no home (a rollout's) carries nothing but its kind: every operator gets
                            // it, and api/rollout, read on it, shows each her zones' homes only.
                            if ((change.Alarm is not null || change.Gateway is not null) && !sees(home))
                            {
                                // A home she was shown and no longer sees (its zone changed, its record erased): the page
                                // drops it. One she never saw stays unnamed, or the feed would list other zones' homes.
                                if (home is not null && shown is not null && shown.Remove(home))
                                {
                                    await WriteHiddenAsync(ctx, home, ct).ConfigureAwait(false);
                                }

                                continue;
                            }

                            if (home is not null)
                            {
                                shown?.Add(home);
                            }

                            var data = CentreJson.Write(w => CentreJson.Change(w, change, centre.PathsOf, residents));
                            await ctx.Response.WriteAsync($"event: {change.Kind}\ndata: {System.Text.Encoding.UTF8.GetString(data)}\n\n", ct).ConfigureAwait(false);
                        }

                        read = subscription.Reader.WaitToReadAsync(ct).AsTask();
                    }

                    await ctx.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // The page went away, or its operator was removed from the accounts file (CentreWeb.Login.cs).
            }
        });
    }

    private static Task WriteClockAsync(HttpContext ctx, TimeProvider time, CancellationToken ct) =>
        ctx.Response.WriteAsync($"event: clock\ndata: {{\"now\":\"{Instants.Wire(time.GetUtcNow())}\"}}\n\n", ct);

    private static async Task ActAsync(HttpContext ctx, string[] fields, Func<Guid, IReadOnlyDictionary<string, string>, Task<Action<Utf8JsonWriter>>> act, string[]? optional = null)
    {
        if (await AlarmIdAsync(ctx).ConfigureAwait(false) is not { } id || await ReadBodyAsync(ctx, fields, optional).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        try
        {
            var write = await act(id, body).ConfigureAwait(false);
            await WriteJsonAsync(ctx, 200, write).ConfigureAwait(false);
        }
        catch (CentreActionException ex)
        {
            await ProblemAsync(ctx, ex.Status, ex.Field, ex.Message).ConfigureAwait(false);
        }
    }

    /// <summary>The query parameter <paramref name="name"/> as a whole number from 1 to <paramref name="max"/> (<paramref name="fallback"/> when absent); writes the 400 and returns null when it is not.</summary>
    private static async Task<int?> QueryCountAsync(HttpContext ctx, string name, int fallback, int max)
    {
        var text = ctx.Request.Query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 && value <= max)
        {
            return value;
        }

        await ProblemAsync(ctx, 400, name, $"{name} must be a whole number from 1 to {max}, got '{PrintableText.Of(text, 40)}'").ConfigureAwait(false);
        return null;
    }

    private static async Task<Guid?> AlarmIdAsync(HttpContext ctx)
    {
        var text = (string)ctx.Request.RouteValues["id"]!;
        if (Guid.TryParseExact(text, "D", out var id))
        {
            return id;
        }

        await ProblemAsync(ctx, 400, "id", $"alarm id must be a UUID, got '{text}'").ConfigureAwait(false);
        return null;
    }

    /// <summary>Reads a JSON object body of at most MaxBody bytes; writes the problem and returns null when it is not one. The caller disposes it.</summary>
    private static async Task<JsonDocument?> ReadObjectAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength > MaxBody)
        {
            await ProblemAsync(ctx, 413, "$", $"body larger than {MaxBody} bytes").ConfigureAwait(false);
            return null;
        }

        // Read at most one byte past the limit, whatever the body claims (a chunked body states no length).
        var buffer = new byte[MaxBody + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await ctx.Request.Body.ReadAsync(buffer.AsMemory(length), ctx.RequestAborted).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        if (length > MaxBody)
        {
            await ProblemAsync(ctx, 413, "$", $"body larger than {MaxBody} bytes").ConfigureAwait(false);
            return null;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(buffer.AsMemory(0, length));
        }
        catch (JsonException ex)
        {
            await ProblemAsync(ctx, 400, "$", $"body is not valid JSON: {ex.Message}").ConfigureAwait(false);
            return null;
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            await ProblemAsync(ctx, 400, "$", "body must be a JSON object").ConfigureAwait(false);
            return null;
        }

        return doc;
    }

    /// <summary>Reads a JSON object body with the given string fields (each required unless <paramref name="optional"/>, 1–256 characters); writes the problem and returns null when it is not.</summary>
    private static async Task<Dictionary<string, string>?> ReadBodyAsync(HttpContext ctx, string[] fields, string[]? optional = null)
    {
        if (await ReadObjectAsync(ctx).ConfigureAwait(false) is not { } doc)
        {
            return null;
        }

        using (doc)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var field in fields)
            {
                // A lone surrogate escape ("\ud800") is valid JSON but no string: GetString throws, and that was a silent 500.
                if (doc.RootElement.TryGetProperty(field, out var raw) && raw.ValueKind == JsonValueKind.String && !IsUnicode(raw))
                {
                    await ProblemAsync(ctx, 400, field, $"'{field}' has a lone UTF-16 surrogate; send text as valid Unicode").ConfigureAwait(false);
                    return null;
                }

                if (field == "operator" && LoginOf(ctx) is { } login)
                {
                    if (await OperatorOfLoginAsync(ctx, doc.RootElement, login).ConfigureAwait(false) is not { } name)
                    {
                        return null;
                    }

                    values[field] = name;
                    continue;
                }

                // An optional field left out (or null) is absent from the result; given, it follows the same rules.
                if (optional is not null && optional.Contains(field) && (!doc.RootElement.TryGetProperty(field, out var given) || given.ValueKind == JsonValueKind.Null))
                {
                    continue;
                }

                if (!doc.RootElement.TryGetProperty(field, out var v) || v.ValueKind != JsonValueKind.String || v.GetString()!.Trim().Length == 0 || v.GetString()!.Length > 256)
                {
                    await ProblemAsync(ctx, 400, field, $"'{field}' is required: a non-empty string of at most 256 characters").ConfigureAwait(false);
                    return null;
                }

                if (TextProblem(v.GetString()!, allowLineBreaks: field == "text") is { } problem)
                {
                    await ProblemAsync(ctx, 400, field, $"'{field}' {problem}").ConfigureAwait(false);
                    return null;
                }

                values[field] = v.GetString()!.Trim();
            }

            return values;
        }
    }

    private static bool IsUnicode(JsonElement value)
    {
        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// What makes <paramref name="text"/> unfit to store and show, or null: a lone surrogate (no UTF-8 for it, so no
    /// JSON answer could carry it) or a control character (it would reach terminals and logs); a note may break lines.
    /// </summary>
    internal static string? TextProblem(string text, bool allowLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"has a lone UTF-16 surrogate at character {i}; send text as valid Unicode";
            }
            else if (char.IsControl(c) && !(allowLineBreaks && c is '\n' or '\r' or '\t'))
            {
                return $"has control character U+{(int)c:X4} at character {i}; send printable text";
            }
        }

        return null;
    }

    private static async Task WriteJsonAsync(HttpContext ctx, int status, Action<Utf8JsonWriter> write, string contentType = "application/json")
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        await ctx.Response.Body.WriteAsync(CentreJson.Write(write), ctx.RequestAborted).ConfigureAwait(false);
    }

    private static Task ProblemAsync(HttpContext ctx, int status, string field, string detail) =>
        WriteJsonAsync(ctx, status, Problem(status, field, detail), "application/problem+json");

    /// <summary>An RFC 9457 problem body.</summary>
    private static Action<Utf8JsonWriter> Problem(int status, string field, string detail) => w =>
    {
        w.WriteStartObject();
        WriteProblemFields(w, status, field, detail);
        w.WriteEndObject();
    };

    private static void WriteProblemFields(Utf8JsonWriter w, int status, string field, string detail)
    {
        w.WriteString("type", "about:blank");
        w.WriteString("title", status switch { 400 => "Bad request", 401 => "Unauthorized", 403 => "Forbidden", 404 => "Not found", 409 => "Conflict", 413 => "Payload too large", 415 => "Unsupported media type", 421 => "Misdirected request", 429 => "Too many requests", 500 => "Internal server error", 503 => "Service unavailable", _ => "Error" });
        w.WriteNumber("status", status);
        w.WriteString("detail", detail);
        w.WriteString("field", field);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _logins?.Dispose();
    }
}
