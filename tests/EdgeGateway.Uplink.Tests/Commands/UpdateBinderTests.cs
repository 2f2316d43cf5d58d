using System.Text.Json;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Commands;

namespace EdgeGateway.Uplink.Tests.Commands;

/// <summary>The <c>update</c> command: every bad argument refused naming its field, before the gateway's updater sees it; its answers as replies.</summary>
public sealed class UpdateBinderTests
{
    private readonly RecordingUpdates _updates = new();
    private readonly CommandRig _rig;

    public UpdateBinderTests() => _rig = new CommandRig(updates: _updates);

    private static Dictionary<string, object?> GoodArgs() => new()
    {
        ["version"] = "0.39.0+4f2a9c1d7e3b",
        ["url"] = "https://releases.example/edgegateway-0.39.0.tar.gz",
        ["size"] = 41_873_920,
        ["sha256"] = new string('A', 64),
        ["signature"] = new Dictionary<string, object?> { ["manifest"] = "eyJ9", ["key_id"] = "3b9f1c0a7d2e4f68", ["signature"] = "c2ln" },
        ["rollout"] = "wave-2",
        ["gate_seconds"] = 120,
    };

    private CommandOutcome Send(Dictionary<string, object?> args)
    {
        var json = CommandRig.Command(CommandTypes.Update, args);
        return _rig.Send(json);
    }

    [Fact]
    public void A_good_offer_reaches_the_updater_checked_and_its_acceptance_is_the_reply()
    {
        var json = CommandRig.Command(CommandTypes.Update, GoodArgs());
        ContractValidator.AssertValid(ContractSchema.Command, json);

        var outcome = _rig.Send(json);

        var reply = CommandRig.ReplyOf(outcome);
        ContractValidator.AssertValid(ContractSchema.CommandReply, reply.GetRawText());
        Assert.True(outcome.Ok, reply.GetRawText());
        Assert.Equal("accepted", reply.GetProperty("result").GetProperty("state").GetString());
        var offer = Assert.Single(_updates.Offers);
        Assert.Equal("0.39.0+4f2a9c1d7e3b", offer.Version);
        Assert.Equal(new string('a', 64), offer.Sha256);
        Assert.Equal(41_873_920, offer.Size);
        Assert.Equal("3b9f1c0a7d2e4f68", offer.Signature.KeyId);
        Assert.Equal("wave-2", offer.Rollout);
        Assert.Equal(120, offer.GateSeconds);
    }

    [Fact]
    public void Current_and_refused_answers_become_their_replies()
    {
        _updates.Answer = UpdateAcceptance.Current;
        var current = CommandRig.ReplyOf(Send(GoodArgs()));
        ContractValidator.AssertValid(ContractSchema.CommandReply, current.GetRawText());
        Assert.Equal("current", current.GetProperty("result").GetProperty("state").GetString());

        _updates.Answer = UpdateAcceptance.Refused("signed by key 0123456789abcdef, which is not trusted here (trusted: 3b9f1c0a7d2e4f68)");
        var refused = Send(GoodArgs());
        var reply = CommandRig.ReplyOf(refused);
        ContractValidator.AssertValid(ContractSchema.CommandReply, reply.GetRawText());
        Assert.Equal(CommandErrorCodes.Refused, refused.ErrorCode);
        Assert.Contains("which is not trusted here", refused.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_updater_every_update_is_refused_as_not_installed_from_a_release()
    {
        var outcome = new CommandRig().Send(CommandRig.Command(CommandTypes.Update, GoodArgs()));

        Assert.Equal(CommandErrorCodes.Refused, outcome.ErrorCode);
        Assert.Contains("not installed from a release", outcome.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("version", null, "args.version", "is missing")]
    [InlineData("version", "0.39.0 beta", "args.version", "letters, digits")]
    [InlineData("version", "x12345678901234567890123456789012345678901234567890123456789012345", "args.version", "1–64")]
    [InlineData("url", "ftp://releases.example/a.tar.gz", "args.url", "https://")]
    [InlineData("url", "releases/a.tar.gz", "args.url", "https://")]
    [InlineData("url", "http://releases.example/a.tar.gz", "args.url", "only to a loopback host")]
    [InlineData("url", "http://10.0.0.1/a.tar.gz", "args.url", "only to a loopback host")]
    [InlineData("size", 0, "args.size", "1 to 536870912")]
    [InlineData("size", 536870913L, "args.size", "1 to 536870912")]
    [InlineData("size", "big", "args.size", "1 to 536870912")]
    [InlineData("size", null, "args.size", "is missing")]
    [InlineData("sha256", "abc", "args.sha256", "64 hex digits")]
    [InlineData("sha256", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "args.sha256", "64 hex digits")]
    [InlineData("signature", "eyJ9", "args.signature", "the release's .sig JSON object")]
    [InlineData("signature", null, "args.signature", "is missing")]
    [InlineData("rollout", 7, "args.rollout", "at most 64")]
    [InlineData("gate_seconds", 5, "args.gate_seconds", "10 to 3600")]
    [InlineData("gate_seconds", 3601, "args.gate_seconds", "10 to 3600")]
    [InlineData("colour", "red", "args.colour", "unexpected argument")]
    public void A_bad_argument_is_refused_naming_its_field_and_the_updater_never_sees_it(string name, object? value, string field, string problem)
    {
        var args = GoodArgs();
        if (value is null)
        {
            args.Remove(name);
        }
        else
        {
            args[name] = value;
        }

        var outcome = Send(args);

        Assert.Equal(CommandErrorCodes.Invalid, outcome.ErrorCode);
        Assert.Equal(field, outcome.ErrorField);
        Assert.Contains(problem, outcome.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(_updates.Offers);
        ContractValidator.AssertValid(ContractSchema.CommandReply, CommandRig.ReplyOf(outcome).GetRawText());
    }

    [Theory]
    [InlineData("manifest", null, "args.signature.manifest", "is missing")]
    [InlineData("key_id", 12, "args.signature.key_id", "number 12")]
    [InlineData("extra", "x", "args.signature.extra", "unexpected field")]
    public void A_bad_signature_field_is_refused_naming_it(string name, object? value, string field, string problem)
    {
        var args = GoodArgs();
        var signature = (Dictionary<string, object?>)args["signature"]!;
        if (value is null)
        {
            signature.Remove(name);
        }
        else
        {
            signature[name] = value;
        }

        var outcome = Send(args);

        Assert.Equal(field, outcome.ErrorField);
        Assert.Contains(problem, outcome.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(_updates.Offers);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/a.tar.gz")]
    [InlineData("http://127.8.9.10/a.tar.gz")]
    [InlineData("http://[::1]:8080/a.tar.gz")]
    [InlineData("http://localhost/a.tar.gz")]
    public void Plain_http_is_taken_from_a_loopback_host(string url)
    {
        var args = GoodArgs();
        args["url"] = url;

        Assert.True(Send(args).Ok);
        Assert.Equal(new Uri(url), Assert.Single(_updates.Offers).Url);
    }

    private sealed class RecordingUpdates : IReleaseUpdates
    {
        public List<UpdateRequest> Offers { get; } = [];

        public UpdateAcceptance Answer { get; set; } = UpdateAcceptance.Accepted;

        public UpdateAcceptance Offer(UpdateRequest request)
        {
            Offers.Add(request);
            return Answer;
        }
    }
}
