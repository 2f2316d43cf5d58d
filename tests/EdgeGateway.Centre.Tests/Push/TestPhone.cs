using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Centre.Tests.Push;

/// <summary>
/// A duty phone's browser, as far as Web Push goes: its own P-256 key pair and auth secret (RFC 8291 §2), the subscription
/// JSON <c>PushSubscription.toJSON()</c> would give, and decryption of what it receives by an implementation other than
/// the centre's (the http_ece npm package, tests/webpush/decrypt.mjs).
/// </summary>
internal sealed class TestPhone
{
    private static readonly string Checker = Path.Combine(RepoRoot.Path, "tests", "webpush");
    private readonly byte[] _privateKey;

    public TestPhone(string endpoint)
    {
        Endpoint = endpoint;
        using var ecdh = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var p = ecdh.ExportParameters(includePrivateParameters: true);
        _privateKey = new byte[32];
        p.D!.CopyTo(_privateKey, 32 - p.D!.Length);
        P256dh = Base64Url([0x04, .. p.Q.X!, .. p.Q.Y!]);
        Auth = Base64Url(RandomNumberGenerator.GetBytes(16));
    }

    public string Endpoint { get; }

    public string P256dh { get; }

    public string Auth { get; }

    /// <summary>The body of <c>POST /api/push/subscriptions</c> for <paramref name="operatorName"/>.</summary>
    public string SubscribeBody(string operatorName) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["operator"] = operatorName,
        ["subscription"] = new Dictionary<string, object?>
        {
            ["endpoint"] = Endpoint,
            ["expirationTime"] = null,
            ["keys"] = new Dictionary<string, string> { ["p256dh"] = P256dh, ["auth"] = Auth },
        },
    });

    /// <summary>Decrypts a received push body with http_ece as this phone; fails the test when it does not decrypt.</summary>
    public async Task<JsonElement> DecryptAsync(PushRequest request)
    {
        if (!Directory.Exists(Path.Combine(Checker, "node_modules", "http_ece")))
        {
            // test.sh installs it first; a bare `dotnet test` installs the pinned version itself.
            var (ci, log) = await RunAsync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"]);
            Xunit.Assert.True(ci == 0, $"npm ci in tests/webpush failed:\n{log}");
        }

        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, request.Body);
            var (exit, output) = await RunAsync("node", [Path.Combine(Checker, "decrypt.mjs"), file, Base64Url(_privateKey), P256dh, Auth]);
            Xunit.Assert.True(exit == 0, $"http_ece could not decrypt the push body: {output}");
            using var doc = JsonDocument.Parse(output);
            return doc.RootElement.Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }

    // The BCL's codec, not the centre's VapidKey helpers: what the tests compare against must not be the code under test.
    internal static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    internal static byte[] FromBase64Url(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);

    private static async Task<(int Exit, string Output)> RunAsync(string program, string[] args)
    {
        var psi = new ProcessStartInfo(program, args) { WorkingDirectory = Checker, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
