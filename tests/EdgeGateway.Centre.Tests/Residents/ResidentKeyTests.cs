using System.Security.Cryptography;
using System.Text;
using EdgeGateway.Centre.Residents;

namespace EdgeGateway.Centre.Tests.Residents;

/// <summary>The key resident records are sealed with: it opens only its own seal, for the home it was sealed for, unchanged.</summary>
public sealed class ResidentKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("resident-key-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_seal_opens_with_its_key_for_its_home_and_names_why_it_does_not_otherwise()
    {
        var key = ResidentKey.Generate();
        var plain = Encoding.UTF8.GetBytes("""{"name":"Ingrid Hansen"}""");
        var sealedText = key.Seal("home-1", plain);

        Assert.StartsWith($"r1.{key.Id}.", sealedText, StringComparison.Ordinal);
        Assert.DoesNotContain("Ingrid", Encoding.UTF8.GetString(Convert.FromBase64String(sealedText.Split('.')[2])), StringComparison.Ordinal);
        Assert.Equal(plain, key.Open("home-1", sealedText));
        Assert.NotEqual(sealedText, key.Seal("home-1", plain));

        var other = ResidentKey.Generate();
        Assert.Contains("sealed with another key", Assert.Throws<CryptographicException>(() => other.Open("home-1", sealedText)).Message, StringComparison.Ordinal);
        Assert.Contains("moved from another home", Assert.Throws<CryptographicException>(() => key.Open("home-2", sealedText)).Message, StringComparison.Ordinal);

        var box = Convert.FromBase64String(sealedText.Split('.')[2]);
        box[^20] ^= 1;
        var tampered = $"r1.{key.Id}.{Convert.ToBase64String(box)}";
        Assert.Contains("changed in the database", Assert.Throws<CryptographicException>(() => key.Open("home-1", tampered)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_key_file_is_created_private_and_read_back_the_same_and_a_bad_one_is_named()
    {
        var path = Path.Combine(_dir, "resident.key");
        var made = ResidentKey.LoadOrCreate(path, out var created);
        Assert.True(created);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var again = ResidentKey.LoadOrCreate(path, out created);
        Assert.False(created);
        Assert.Equal(made.Id, again.Id);
        Assert.Equal("x"u8.ToArray(), again.Open("h", made.Seal("h", "x"u8)));

        File.WriteAllText(Path.Combine(_dir, "short.key"), Convert.ToBase64String(new byte[16]));
        Assert.Contains("expected 32 bytes, got 16", Assert.Throws<FormatException>(() => ResidentKey.Load(Path.Combine(_dir, "short.key"))).Message, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "text.key"), "not-a-key!");
        Assert.Contains("must be a 32-byte key in base64", Assert.Throws<FormatException>(() => ResidentKey.Load(Path.Combine(_dir, "text.key"))).Message, StringComparison.Ordinal);
    }
}
