using System.Text.Json;
using EdgeGateway.Centre.Residents;

namespace EdgeGateway.Centre.Tests.Residents;

/// <summary>The record's SMS rule and the next of kin marked for it (issue 30): read back as written, every bad field named.</summary>
public sealed class ResidentJsonSmsTests
{
    private static readonly DateOnly Today = new(2026, 12, 4);

    private static string Record(string kinSms, string sms) => $$"""
        {"name":"Ingrid Hansen","address":{"street":"Storgata 1","city":"Oslo"},
         "next_of_kin":[{"name":"Kari Hansen","relation":"daughter","phone":"+47 913 00 001"{{kinSms}}},{"name":"Per Olsen","relation":"neighbour","phone":"+47 913 00 002"}],
         "gp":{"name":"Dr. Lie","phone":"+47 22 00 00 00"}{{sms}}}
        """;

    private static (ResidentRecord? Record, IReadOnlyList<FieldProblem> Problems) Read(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return ResidentJson.Read(doc.RootElement, Today);
    }

    [Fact]
    public void A_rule_and_the_marked_next_of_kin_are_read_and_written_back_the_same()
    {
        var (record, problems) = Read(Record(""","sms":true""", ""","sms":{"untaken_minutes":10,"on_clear":["taken to hospital","taken to hospital"]}"""));
        Assert.Empty(problems);
        Assert.Equal(10, record!.Sms!.UntakenMinutes);
        Assert.Equal(["taken to hospital"], record.Sms.OnClear);
        Assert.Equal([true, false], record.NextOfKin.Select(k => k.Sms));

        using var again = JsonDocument.Parse(ResidentJson.ToUtf8(record));
        var (back, none) = ResidentJson.Read(again.RootElement, Today);
        Assert.Empty(none);
        Assert.Equal(10, back!.Sms!.UntakenMinutes);
        Assert.Equal(["taken to hospital"], back.Sms.OnClear);
        Assert.Equal([true, false], back.NextOfKin.Select(k => k.Sms));
    }

    [Fact]
    public void A_record_without_sms_has_no_rule_and_nobody_marked()
    {
        var (record, problems) = Read(Record("", ""));
        Assert.Empty(problems);
        Assert.Null(record!.Sms);
        Assert.All(record.NextOfKin, k => Assert.False(k.Sms));
    }

    [Theory]
    [InlineData(""","sms":true""", ""","sms":{"untaken_minutes":0}""", "sms.untaken_minutes", "'sms.untaken_minutes' must be a whole number of minutes from 1 to 240, or null; got 0")]
    [InlineData(""","sms":true""", ""","sms":{"untaken_minutes":241}""", "sms.untaken_minutes", "got 241")]
    [InlineData(""","sms":true""", ""","sms":{"untaken_minutes":"ten"}""", "sms.untaken_minutes", "got \"ten\"")]
    [InlineData(""","sms":true""", ""","sms":{"untaken_minutes":2.5}""", "sms.untaken_minutes", "got 2.5")]
    [InlineData(""","sms":true""", ""","sms":{"on_clear":["lunch"]}""", "sms.on_clear[0]", "'sms.on_clear[0]' must be one of 'help given', 'no help needed', 'false alarm', 'taken to hospital'; got \"lunch\"")]
    [InlineData(""","sms":true""", ""","sms":{"on_clear":"taken to hospital"}""", "sms.on_clear", "must be a list of clear reasons")]
    [InlineData(""","sms":true""", ""","sms":{"untaken_minutes":10,"when":"always"}""", "sms.when", "unknown field 'when' in 'sms'")]
    [InlineData(""","sms":"yes" """, ""","sms":{"untaken_minutes":10}""", "next_of_kin[0].sms", "'next_of_kin[0].sms' must be true or false, got string")]
    [InlineData("", ""","sms":{"untaken_minutes":10}""", "sms", "no next of kin is marked for it")]
    [InlineData(""","sms":true""", "", "sms", "next of kin are marked for SMS but 'sms' does not say when")]
    [InlineData(""","sms":true""", ""","sms":{"untaken_minutes":null,"on_clear":[]}""", "sms", "does not say when")]
    public void A_bad_rule_is_refused_at_its_field_and_nothing_is_read(string kinSms, string sms, string field, string detail)
    {
        var (record, problems) = Read(Record(kinSms, sms));
        Assert.Null(record);
        var problem = Assert.Single(problems);
        Assert.Equal(field, problem.Field);
        Assert.Contains(detail, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_gp_is_never_sent_an_sms()
    {
        var (record, problems) = Read(Record(""","sms":true""", ""","sms":{"untaken_minutes":10}""").Replace("\"phone\":\"+47 22 00 00 00\"", "\"phone\":\"+47 22 00 00 00\",\"sms\":true", StringComparison.Ordinal));
        Assert.Null(record);
        Assert.Equal("gp.sms", Assert.Single(problems).Field);
    }
}
