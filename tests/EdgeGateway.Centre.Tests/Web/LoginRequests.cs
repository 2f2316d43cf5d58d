using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>Requests to a centre with logins, as the browser sends them after its Basic prompt.</summary>
internal static class LoginRequests
{
    /// <summary>A request as <paramref name="name"/> (none when null) with an optional JSON body.</summary>
    public static HttpRequestMessage Create(HttpMethod method, string path, string? name, string? password, string? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (name is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{name}:{password}")));
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return request;
    }

    /// <summary>Sends the request, asserts the status (the body in the message when it differs) and returns the JSON answer.</summary>
    public static async Task<JsonElement> JsonAsync(HttpClient http, HttpMethod method, string path, string? name, string? password, HttpStatusCode expected, string? body = null)
    {
        using var request = Create(method, path, name, password, body);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path} as {name}: {(int)response.StatusCode} {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}
