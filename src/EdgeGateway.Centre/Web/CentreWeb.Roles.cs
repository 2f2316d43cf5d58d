using System.Collections.Frozen;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Web;

/// <summary>
/// Roles (issue 29, docs/security.md "Who may do what"): with logins, each request that changes something, and the audit
/// log, needs a role of the logged-in operator, else 403 naming the role; reads stay open to every operator. Without
/// logins (loopback) there is nobody to check, and everything is allowed as before.
/// </summary>
public sealed partial class CentreWeb
{
    private const string RolesKey = "edgegateway.roles";
    private const string ZonesKey = "edgegateway.zones";
    private const int MaxAuditLimit = 500;
    private const int DefaultAuditLimit = 100;

    /// <summary>
    /// The role a request needs, by the route template it matched (e.g. <c>/api/alarms/{id}/take</c>) and its method; null
    /// when any operator may send it. Every state-changing request without a rule needs a role nobody has (deny by
    /// default): a new action endpoint is refused until it gets a rule here.
    /// </summary>
    internal static (OperatorRoles Role, string What)? RoleNeeded(string method, string template)
    {
        // The template, not the request's path: routing ignores case and the path's spelling, the template has one.
        var parts = template.ToLowerInvariant().Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts is ["api", "audit"])
        {
            return (OperatorRoles.Auditor, "the audit log");
        }

        // Resident records, read or written, and escalation settings (still to come: the rule is here so they cannot arrive without it).
        if (parts is ["api", "residents" or "escalation", ..])
        {
            return (OperatorRoles.Coordinator, parts[1]);
        }

        // The whole record with its access codes, on an alarm: a nurse's, and only the one who took it (CentreWeb.Residents.cs).
        if (parts is ["api", "alarms", _, "resident"])
        {
            return (OperatorRoles.Nurse, "the resident's details on an alarm");
        }

        // The archives a rollout may be started from, and their verdicts: the technicians' business, as the start is.
        if (parts is ["api", "releases"])
        {
            return (OperatorRoles.Technician, "the release archives");
        }

        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            return null;
        }

        return parts switch
        {
            // Every step on an alarm (take, clear, notes and the steps added later) is a nurse's.
            ["api", "alarms", _, var step] => (OperatorRoles.Nurse, step),
            ["api", "gateways", _, var job] => (OperatorRoles.Technician, "gateway " + job),

            // Stopping a release rollout is the technicians' call, as starting one is.
            ["api", "rollout", "halt"] => (OperatorRoles.Technician, "halting the release rollout"),
            ["api", "rollout"] => (OperatorRoles.Technician, "starting a release rollout"),

            // A duty phone is a nurse's: only she gets alarms on it (the key itself is open to every operator, as a GET).
            ["api", "push", ..] => (OperatorRoles.Nurse, "push notifications to a duty phone"),
            _ => (OperatorRoles.None, $"{method} {template}"),
        };
    }

    /// <summary>Checks the logged-in operator's roles (after UseLogin): 403 with a problem body naming the role needed.</summary>
    private static void UseRoles(WebApplication app, OperatorLogins logins, ILogger logger) =>
        app.Use(async (ctx, next) =>
        {
            // Release archives need no login (UseLogin), so no role either.
            if (IsRelease(ctx))
            {
                await next(ctx).ConfigureAwait(false);
                return;
            }

            var login = LoginOf(ctx)!;

            // Read on every request: roles changed in the file apply at the next reload, without a new login.
            var roles = logins.Accounts.RolesOf(login);
            ctx.Items[RolesKey] = roles;
            ctx.Items[ZonesKey] = logins.Accounts.ZonesOf(login);
            // Routing has run (WebApplication puts it first): no endpoint is a 404 or 405 that acts on nothing.
            var template = (ctx.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            if (template is not null && RoleNeeded(ctx.Request.Method, template) is var (role, what) && (roles & role) == 0)
            {
                var has = roles == OperatorRoles.None ? "no role" : OperatorRoleNames.Format(roles);
                var detail = role == OperatorRoles.None
                    ? $"{Printable(what)} is not allowed to any role; {login} has {has}"
                    : $"{Printable(what)} needs the role {OperatorRoleNames.Format(role)}; {login} has {has}";
                LogRefused(logger, ctx.Request.Method, Printable(ctx.Request.Path), $"operator '{Printable(login)}': {detail}");
                await ProblemAsync(ctx, 403, "role", detail).ConfigureAwait(false);
                return;
            }

            await next(ctx).ConfigureAwait(false);
        });

    /// <summary>The logged-in operator's roles; every role when the page runs without logins.</summary>
    private static OperatorRoles RolesOf(HttpContext ctx) => ctx.Items.TryGetValue(RolesKey, out var roles) && roles is OperatorRoles r ? r : OperatorRoles.All;

    /// <summary>Writes <c>"roles": [...]</c> for /api/me.</summary>
    private static void WriteRoles(Utf8JsonWriter w, HttpContext ctx)
    {
        w.WriteStartArray("roles");
        foreach (var name in OperatorRoleNames.Names(RolesOf(ctx)))
        {
            w.WriteStringValue(name);
        }

        w.WriteEndArray();
    }

    /// <summary>
    /// The zones the logged-in operator is limited to; null for every zone, as without logins. A login whose zones were
    /// never looked up gets none, so a request that slipped past UseRoles shows no home rather than every home.
    /// </summary>
    internal static IReadOnlySet<string>? ZonesOf(HttpContext ctx) =>
        ctx.Items.TryGetValue(ZonesKey, out var zones) ? zones as IReadOnlySet<string> : LoginOf(ctx) is null ? null : FrozenSet<string>.Empty;

    /// <summary>Writes <c>"zones": [...]</c> for /api/me, or <c>null</c> for every zone.</summary>
    private static void WriteZones(Utf8JsonWriter w, HttpContext ctx)
    {
        if (ZonesOf(ctx) is not { } zones)
        {
            w.WriteNull("zones");
            return;
        }

        w.WriteStartArray("zones");
        foreach (var zone in zones.Order(StringComparer.Ordinal))
        {
            w.WriteStringValue(zone);
        }

        w.WriteEndArray();
    }

    /// <summary>Logs once, at startup, which operators hold the role nurse only because their line predates roles.</summary>
    private static void LogDefaultedRoles(ILogger logger, OperatorAccounts accounts)
    {
        if (accounts.DefaultedToNurse is { Count: > 0 } names)
        {
            var quoted = string.Join(", ", names.Select(n => $"'{Printable(n)}'"));
            LogDefaulted(logger, accounts.Path, quoted);
        }
    }

    private static void MapAudit(IEndpointRouteBuilder app, DutyCentre centre) =>
        app.MapGet("/api/audit", async ctx =>
        {
            if (await QueryCountAsync(ctx, "limit", DefaultAuditLimit, MaxAuditLimit).ConfigureAwait(false) is not { } limit)
            {
                return;
            }

            // An auditor given zones reads the actions on her zones' homes and those on no home (logins); "limit" bounds the rows read.
            var (_, sees) = await VisibleAsync(ctx, centre).ConfigureAwait(false);
            var actions = (await centre.Archive.ActionsAsync(limit, ctx.RequestAborted).ConfigureAwait(false)).Where(a => a.Gateway is null || sees(a.Gateway)).ToList();
            await WriteJsonAsync(ctx, 200, w =>
            {
                w.WriteStartArray();
                foreach (var a in actions)
                {
                    WriteAction(w, a);
                }

                w.WriteEndArray();
            }).ConfigureAwait(false);
        });

    private static void WriteAction(Utf8JsonWriter w, OperatorAction a)
    {
        w.WriteStartObject();
        w.WriteString("at", Instants.Wire(a.At));
        w.WriteString("operator", a.Operator);
        w.WriteString("action", a.Action);
        CentreJson.Str(w, "gateway", a.Gateway);
        CentreJson.Str(w, "alarm", a.Alarm?.ToString("D"));
        CentreJson.Str(w, "command", a.Command);
        w.WriteString("outcome", a.Outcome);
        CentreJson.Str(w, "detail", a.Detail);
        w.WriteEndObject();
    }

    [LoggerMessage(EventId = 3262, Level = LogLevel.Information, Message = "Operator accounts {Path}: {Names} have lines from before roles and hold the role nurse; give other roles with `edgegateway central add-operator --name NAME --role ROLE[,ROLE]`")]
    private static partial void LogDefaulted(ILogger logger, string path, string names);
}
