using System.Text.RegularExpressions;
using EdgeGateway.TechnicianConsole.Services;
using static EdgeGateway.TechnicianConsole.Commands.VerbArguments;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary><c>wearable status | wearable pair [ADDRESS] | wearable test</c>: the belt-clip wearable's link and counters, its pairing, its walk-test.</summary>
internal sealed partial class WearableVerb(ICommandContext ctx, CommissioningVisit visit) : IConsoleVerb
{
    /// <summary>The config key <c>wearable pair</c> writes.</summary>
    public const string AddressKey = "devices.wearable.address";

    /// <inheritdoc />
    public VerbHelp Help { get; } = new(
        "wearable",
        "wearable status | wearable pair [ADDRESS] | wearable test",
        "the wearable: link and battery, pairing, walk-test",
        "status shows the link (state, reason), battery, samples, lost and dropped samples, resend requests and supervision.\n" +
        "pair scans for wearables, pairs and trusts the one found (ADDRESS picks one of several) and writes its address to devices.wearable.address through config (validated, versioned, audited).\n" +
        "test (also test wearable): press the button (raises a real help alarm at the centre), then shake it; both go in the commissioning record.");

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        if (args.Count == 0)
        {
            throw new CommandUsageException($"wearable: expected {Help.Usage}");
        }

        switch (args[0].ToLowerInvariant())
        {
            case "status":
                Expect(args, 1, 1, "wearable status");
                await StatusAsync().ConfigureAwait(false);
                return;
            case "pair":
                Expect(args, 1, 2, "wearable pair [ADDRESS]");
                await PairAsync(args.Count == 2 ? args[1] : null, ct).ConfigureAwait(false);
                return;
            case "test":
                Expect(args, 1, 1, "wearable test");
                await new WearableWalkTest(ctx, visit).RunAsync(ct).ConfigureAwait(false);
                return;
            default:
                throw new CommandUsageException($"wearable {args[0]}: expected {Help.Usage}");
        }
    }

    private async Task StatusAsync()
    {
        if (ctx.Services.Wearable?.Snapshot() is not { } s)
        {
            await ctx.WriteLineAsync("no wearable configured (wearable pair finds one and writes devices.wearable.address)").ConfigureAwait(false);
            return;
        }

        var now = ctx.Time.GetUtcNow();
        var state = s.LinkState == "connected" ? ctx.Paint(s.LinkState, ConsoleColor.Green) : ctx.Paint(s.LinkState, ConsoleColor.Yellow);
        var battery = s.BatteryPercent is { } p ? $"{p} % {Judged(s.Battery)}" : "not read yet";
        var last = s.SinceLastSample is { } ago ? $"last {ago.TotalSeconds:0.0} s ago" : "none yet";
        var supervision = s.Lost
            ? ctx.Paint("LOST", ConsoleColor.Red) + $": no samples for {s.LostAfter.TotalSeconds:0} s or more; falls are not detected"
            : ctx.Paint("ok", ConsoleColor.Green) + $" (lost after {s.LostAfter.TotalSeconds:0} s without samples)";
        string[] lines =
        [
            $"wearable     {s.SensorId} ({s.Address ?? "simulated"})",
            $"link         {state}: {s.LinkReason} (for {Math.Max(0, (now - s.LinkSince).TotalSeconds):0} s)",
            $"battery      {battery} (low at {s.BatteryLowPercent} %, critical at {s.BatteryCriticalPercent} %)",
            $"samples      {s.SamplesSeen} seen, {last}",
            $"lost         {s.LostSamples} not recovered, {s.DroppedSamples} dropped (detector behind), {s.ResendRequests} resend requests",
            $"supervision  {supervision}",
        ];
        await ctx.WriteLineAsync(string.Join('\n', lines)).ConfigureAwait(false);
    }

    private string Judged(string battery) => battery switch
    {
        "ok" => ctx.Paint("ok", ConsoleColor.Green),
        "low" => ctx.Paint("LOW: plan a cell change", ConsoleColor.Yellow),
        "critical" => ctx.Paint("CRITICAL: change the cell today", ConsoleColor.Red),
        _ => battery,
    };

    private async Task PairAsync(string? chosen, CancellationToken ct)
    {
        var wearable = ctx.Services.Wearable ?? throw new CommandUsageException("wearable pair: this gateway offers no wearable (no Bluetooth support in this build)");
        if (wearable.Simulated)
        {
            await ctx.WriteLineAsync("this home plays a simulated wearable: there is nothing to pair").ConfigureAwait(false);
            return;
        }

        if (chosen is not null && !AddressPattern().IsMatch(chosen))
        {
            throw new CommandUsageException($"wearable pair '{chosen}': expected an address of six hex pairs separated by colons, e.g. AA:BB:CC:DD:EE:FF");
        }

        var scanTime = ctx.Options.WearableScanTime;
        await ctx.WriteLineAsync($"scanning for wearables for {scanTime.TotalSeconds:0} s (keep it next to the gateway; a press of its button wakes it)…").ConfigureAwait(false);
        var scan = await wearable.ScanAsync(scanTime, ct).ConfigureAwait(false);
        if (!scan.Ok)
        {
            ctx.Audit("wearable-pair-failed", $"scan: {scan.Message}");
            await ctx.ErrorAsync($"wearable pair: cannot scan: {scan.Message}").ConfigureAwait(false);
            return;
        }

        if (scan.Found.Count == 0)
        {
            ctx.Audit("wearable-pair-failed", $"scan: no wearable found in {scanTime.TotalSeconds:0} s");
            await ctx.ErrorAsync($"wearable pair: no wearable found in {scanTime.TotalSeconds:0} s: is it awake (press its button) and within a few metres?").ConfigureAwait(false);
            return;
        }

        await ctx.WriteLineAsync($"found {scan.Found.Count}:").ConfigureAwait(false);
        foreach (var f in scan.Found)
        {
            var rssi = f.Rssi is { } r ? $"{r} dBm" : "not heard now";
            await ctx.WriteLineAsync($"  {f.Address}  {f.Name ?? "(no name)",-10} {rssi}{(f.Paired ? "  (paired)" : "")}").ConfigureAwait(false);
        }

        WearableCandidate pick;
        if (chosen is not null)
        {
            pick = scan.Found.FirstOrDefault(f => f.Address.Equals(chosen, StringComparison.OrdinalIgnoreCase))
                ?? throw new CommandUsageException($"wearable pair: {chosen} was not found in the scan: expected one of {string.Join(", ", scan.Found.Select(f => f.Address))}");
        }
        else if (scan.Found.Count > 1)
        {
            await ctx.WriteLineAsync($"which one? wearable pair ADDRESS (the address is on the wearable's label; e.g. wearable pair {scan.Found[0].Address})").ConfigureAwait(false);
            return;
        }
        else
        {
            pick = scan.Found[0];
        }

        await ctx.WriteLineAsync($"pairing with {pick.Address}…").ConfigureAwait(false);
        var paired = await wearable.PairAsync(pick.Address, ct).ConfigureAwait(false);
        if (!paired.Ok)
        {
            ctx.Audit("wearable-pair-failed", $"{pick.Address}: {paired.Message}");
            await ctx.ErrorAsync($"wearable pair: {paired.Message}").ConfigureAwait(false);
            return;
        }

        ctx.Audit("wearable-pair", $"{pick.Address} paired and trusted");
        await ctx.WriteLineAsync($"{ctx.Paint("paired", ConsoleColor.Green)} {pick.Address} and trusted it").ConfigureAwait(false);
        await WriteAddressAsync(pick.Address.ToUpperInvariant()).ConfigureAwait(false);
    }

    // Through the console's config editor, as config set and config apply would: validated, a new version, audited.
    private async Task WriteAddressAsync(string address)
    {
        var editor = ctx.Services.Config;
        var othersStaged = editor.HasStagedChanges;
        var staged = editor.Set(AddressKey, $"\"{address}\"", ctx.ActorName);
        if (!staged.Ok && !editor.Get("devices.wearable").Ok)
        {
            // No wearable section yet (the first wearable of this home): stage the section with the address in it.
            staged = editor.Set("devices.wearable", $"{{\"address\":\"{address}\"}}", ctx.ActorName);
        }

        if (!staged.Ok)
        {
            ctx.Audit("wearable-pair-config-refused", string.Join("; ", staged.Lines));
            foreach (var line in staged.Lines)
            {
                await ctx.ErrorAsync(line).ConfigureAwait(false);
            }

            await ctx.ErrorAsync($"the wearable is paired, but its address is not in the config: set it with config set {AddressKey} {address}").ConfigureAwait(false);
            return;
        }

        ctx.Audit("config-stage", string.Join("; ", staged.Lines));
        if (othersStaged)
        {
            // Applying now would apply someone's unfinished edits with it: leave the decision to the technician.
            await ctx.WriteLineAsync($"staged {AddressKey} = \"{address}\" beside changes staged before: review them with config diff, then config apply").ConfigureAwait(false);
            return;
        }

        await ctx.WriteLineAsync($"{AddressKey} = \"{address}\"").ConfigureAwait(false);
        var applied = editor.Apply(ctx.ActorName);
        ctx.Audit(applied.Ok ? "config-apply" : "config-apply-refused", string.Join("; ", applied.Lines));
        foreach (var line in applied.Lines)
        {
            if (applied.Ok)
            {
                await ctx.WriteLineAsync(line).ConfigureAwait(false);
            }
            else
            {
                await ctx.ErrorAsync(line).ConfigureAwait(false);
            }
        }
    }

    [GeneratedRegex("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")]
    private static partial Regex AddressPattern();
}
