using EdgeGateway.Centre.Archive;

namespace EdgeGateway.Centre.Tests.Archive;

/// <summary>The duty phones' push subscriptions (issue 30), on SQLite and PostgreSQL alike.</summary>
public abstract partial class ArchiveContractTests
{
    private static OperatorAction PushAction(string who, string action, DateTimeOffset at) => new(at, who, action, null, null, null, "ok", "push service push.example");

    [Fact]
    public async Task Push_subscriptions_are_one_row_per_endpoint_stored_with_their_audit_row_and_seen_by_every_instance()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        var berit = new PushSubscriptionRecord("https://push.example/p/1", "Nurse Berit", "BPUB1", "AUTH1", T0);
        var kari = new PushSubscriptionRecord("https://push.example/p/2", "Nurse Kari", "BPUB2", "AUTH2", T0.AddSeconds(1));
        await a.PutPushSubscriptionAsync(berit, PushAction("Nurse Berit", "push-subscribe", T0));
        await b.PutPushSubscriptionAsync(kari, PushAction("Nurse Kari", "push-subscribe", T0.AddSeconds(1)));
        Assert.Equal([berit, kari], await b.PushSubscriptionsAsync());

        // The same phone subscribes again, now as Kari with new keys: still one row, the new one.
        var again = berit with { Operator = "Nurse Kari", P256dh = "BPUB3", Auth = "AUTH3", CreatedAt = T0.AddMinutes(1) };
        await b.PutPushSubscriptionAsync(again, PushAction("Nurse Kari", "push-subscribe", T0.AddMinutes(1)));
        Assert.Equal([again, kari], await a.PushSubscriptionsAsync());
        Assert.Equal(["push-subscribe Nurse Kari", "push-subscribe Nurse Kari", "push-subscribe Nurse Berit"], (await a.ActionsAsync(10)).Select(x => $"{x.Action} {x.Operator}"));
    }

    [Fact]
    public async Task Removing_a_push_subscription_records_the_operator_action_a_gone_one_records_none_and_an_unknown_one_is_false()
    {
        await using var archive = await OpenAsync();
        var one = new PushSubscriptionRecord("https://push.example/p/1", "Nurse Berit", "BPUB1", "AUTH1", T0);
        var two = one with { Endpoint = "https://push.example/p/2" };
        await archive.PutPushSubscriptionAsync(one, PushAction("Nurse Berit", "push-subscribe", T0));
        await archive.PutPushSubscriptionAsync(two, PushAction("Nurse Berit", "push-subscribe", T0));

        Assert.True(await archive.RemovePushSubscriptionAsync(one.Endpoint, PushAction("Nurse Berit", "push-unsubscribe", T0.AddMinutes(1))));
        Assert.False(await archive.RemovePushSubscriptionAsync(one.Endpoint, PushAction("Nurse Berit", "push-unsubscribe", T0.AddMinutes(2))));

        // The push service said the phone is gone: deleted without an operator to name.
        Assert.True(await archive.RemovePushSubscriptionAsync(two.Endpoint, null));
        Assert.Empty(await archive.PushSubscriptionsAsync());
        Assert.Equal(["push-unsubscribe", "push-subscribe", "push-subscribe"], (await archive.ActionsAsync(10)).Select(x => x.Action));
    }
}
