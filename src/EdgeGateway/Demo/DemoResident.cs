using EdgeGateway.Centre;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Residents;

namespace EdgeGateway.Demo;

/// <summary>The demo home's resident, saved by a coordinator once the gateway has reported (a record needs its home).</summary>
internal static class DemoResident
{
    /// <summary>The coordinator who keeps the demo's resident records.</summary>
    public const string Coordinator = "Coordinator Cora";

    /// <summary>A resident as a coordinator would fill her in; every value is made up.</summary>
    public static ResidentRecord Record { get; } = new(
        "Ingrid Hansen",
        new DateOnly(1938, 4, 12),
        "Norwegian",
        "+47 912 34 567",
        new ResidentAddress("Storgata 1", "0155", "Oslo", "3", "3B"),
        new ResidentAccess("left of the back door, behind the bench", "4711", "1234", "Ring twice; she is hard of hearing"),
        [new ResidentContact("Kari Hansen", "daughter", "+47 913 00 001", Sms: true), new ResidentContact("Per Olsen", "neighbour", "+47 913 00 002")],
        new ResidentContact("Dr. Lie", null, "+47 22 00 00 00"),
        "Hard of hearing: let the phone ring long. Walks with a frame at night.",
        "north",

        // Her daughter asked to know when a night ends with someone sent to her mother, or a nurse is long in coming.
        new KinSmsRule(10, [ClearReasons.HelpGiven, ClearReasons.Hospital]));

    /// <summary>What the centre's SMS to next of kin end with in the demo: whom the family can call back.</summary>
    public const string Signoff = "Oslo duty centre, +47 21 00 00 00";

    /// <summary>Waits (up to <paramref name="timeout"/> of real time) until <paramref name="gateway"/> is in the archive, then saves the record.</summary>
    public static async Task SaveAsync(DutyCentre centre, string gateway, TimeSpan timeout, Action<string, string> show, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        while (await centre.Archive.GatewayAsync(gateway, bounded.Token).ConfigureAwait(false) is null)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), bounded.Token).ConfigureAwait(false);
        }

        await centre.Residents.SaveAsync(gateway, Record, Coordinator, cancellationToken).ConfigureAwait(false);
        show("coordinator", $"{Coordinator} saves the resident record of {gateway}: {Record.Name}, {Record.Address.Line()}, zone {Record.Zone}; SMS to her daughter when an alarm waits {Record.Sms!.UntakenMinutes} min or is cleared as {string.Join(" or ", Record.Sms.OnClear)} (sealed in the archive)");
    }
}
