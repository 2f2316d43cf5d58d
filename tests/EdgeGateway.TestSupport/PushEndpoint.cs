using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.TestSupport;

/// <summary>
/// A push service on a loopback port (RFC 8030 §5, the receiving end only): records every request the centre sends, as
/// sent, and answers 201 Created, or the status given for a path with <see cref="Answer"/> (410 for a phone that is gone).
/// The push tests and the push benchmark send to it over real HTTP.
/// </summary>
public sealed class PushEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<PushRequest> _received = new();

    private PushEndpoint(WebApplication app) => _app = app;

    /// <summary>The base URL, e.g. http://127.0.0.1:41234/; a phone's endpoint is a path under it.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyCollection<PushRequest> Received => _received;

    /// <summary>Raised for each request as it arrives (on Kestrel's thread).</summary>
    public event Action<PushRequest>? Arrived;

    /// <summary>Starts listening on a free loopback port.</summary>
    public static async Task<PushEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var endpoint = new PushEndpoint(app);
        app.Run(endpoint.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        endpoint.Url = new Uri(address.TrimEnd('/') + "/");
        return endpoint;
    }

    /// <summary>The endpoint URL of the phone <paramref name="name"/>.</summary>
    public string PhoneUrl(string name) => new Uri(Url, "push/" + name).ToString();

    /// <summary>Answers <paramref name="status"/> to every request for the phone <paramref name="name"/> from now on.</summary>
    public void Answer(string name, int status) => _answers[new Uri(PhoneUrl(name)).AbsolutePath] = status;

    /// <summary>The requests for the phone <paramref name="name"/>.</summary>
    public IReadOnlyList<PushRequest> To(string name)
    {
        var path = new Uri(PhoneUrl(name)).AbsolutePath;
        return [.. _received.Where(r => r.Path == path)];
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var at = Stopwatch.GetTimestamp();
        using var body = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(body, ctx.RequestAborted).ConfigureAwait(false);
        var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new PushRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "", headers, body.ToArray(), at);
        _received.Enqueue(request);
        Arrived?.Invoke(request);
        ctx.Response.StatusCode = _answers.TryGetValue(request.Path, out var status) ? status : StatusCodes.Status201Created;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
