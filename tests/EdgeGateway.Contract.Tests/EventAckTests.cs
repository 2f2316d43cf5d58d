using System.Text;
using System.Text.Json;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Contract.Tests;

/// <summary>Acks come single (<c>{"id","by"}</c>, an older centre) or batched (<c>{"ids":[…],"by"}</c>): both parse, and what breaks the schema is refused with the reason.</summary>
public sealed class EventAckTests
{
    [Fact]
    public void A_batch_parses_to_every_id_in_it_and_the_single_form_still_parses()
    {
        var ids = Enumerable.Range(0, 7).Select(_ => Guid.CreateVersion7()).ToList();
        var batch = EventAck.ToJson(ids, "central-1");
        ContractValidator.AssertValidOnTopic(Topics.Acks("home-7"), Encoding.UTF8.GetString(batch));
        Assert.True(EventAck.TryParseMany(batch, out var acks, out var error), error);
        Assert.Equal(ids, acks.Select(a => a.EventId));
        Assert.All(acks, a => Assert.Equal("central-1", a.By));

        // What an older centre sends, byte for byte the form of contract 1.0.
        var single = Encoding.UTF8.GetBytes($$"""{"id":"{{ids[0]}}","by":"central-old"}""");
        ContractValidator.AssertValidOnTopic(Topics.Acks("home-7"), Encoding.UTF8.GetString(single));
        Assert.True(EventAck.TryParseMany(single, out acks, out error), error);
        Assert.Equal([new EventAck(ids[0], "central-old")], acks);

        // A batch of one goes out in the single form, which gateways older than batched acks understand.
        using var one = JsonDocument.Parse(EventAck.ToJson([ids[0]], "c"));
        Assert.Equal(ids[0], one.RootElement.GetProperty("id").GetGuid());
        Assert.False(one.RootElement.TryGetProperty("ids", out _));
    }

    [Theory]
    [InlineData("""{"ids":["019ab3f2-6c48-7d51-9a3e-2f0c1d5e7a90","019ab3f2-6c48-7d51-9a3e-2f0c1d5e7a91","nope"],"by":"c"}""", "ids[2]")]
    [InlineData("""{"ids":["019ab3f2-6c48-7d51-9a3e-2f0c1d5e7a90",7],"by":"c"}""", "ids[1]")]
    [InlineData("""{"ids":[],"by":"c"}""", "1 to 1000")]
    [InlineData("""{"ids":"019ab3f2-6c48-7d51-9a3e-2f0c1d5e7a90","by":"c"}""", "'ids' must be an array")]
    [InlineData("""{"id":"019ab3f2-6c48-7d51-9a3e-2f0c1d5e7a90","ids":["019ab3f2-6c48-7d51-9a3e-2f0c1d5e7a91"],"by":"c"}""", "both 'id' and 'ids'")]
    [InlineData("""{"by":"c"}""", "'id' or an array 'ids'")]
    [InlineData("""["019ab3f2-6c48-7d51-9a3e-2f0c1d5e7a90"]""", "JSON object")]
    [InlineData("""{"ids":[""", "not valid JSON")]
    public void A_broken_ack_releases_nothing_and_says_why_and_the_schema_refuses_it_too(string json, string expected)
    {
        Assert.False(EventAck.TryParseMany(Encoding.UTF8.GetBytes(json), out var acks, out var error));
        Assert.Empty(acks);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.NotEmpty(ContractValidator.Validate(ContractSchema.Ack, json));
    }
}
