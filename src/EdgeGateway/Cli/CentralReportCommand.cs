using System.CommandLine;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Report;

namespace EdgeGateway.Cli;

/// <summary><c>edgegateway central report</c>: the gains report of an archive as one self-contained HTML file.</summary>
internal static class CentralReportCommand
{
    public static Command Create()
    {
        var store = new Option<string>("--store") { Description = "The archive: a SQLite file, or postgres://user:password@host:port/db or an Npgsql connection string.", Required = true };
        var from = new Option<string>("--from") { Description = "Start (inclusive): yyyy-MM-dd (local midnight) or an ISO 8601 instant.", Required = true };
        var to = new Option<string>("--to") { Description = "End (exclusive): yyyy-MM-dd (local midnight) or an ISO 8601 instant.", Required = true };
        var gateway = new Option<string?>("--gateway") { Description = "Only this home (gateway id)." };
        var minutes = new Option<string?>("--minutes-per-visit") { Description = $"Minutes one night visit takes, for the hours saved (default {GainsReport.DefaultMinutesPerVisit})." };
        var zone = new Option<string?>("--zone") { Description = "Time zone of weeks and nights, e.g. Europe/Oslo (default: this machine's)." };
        var output = new Option<string>("--out") { Description = "The HTML file to write (replaced whole; never left half-written).", Required = true };
        var command = new Command("report", "Write the gains report (per home and per week, with plots) as a self-contained HTML file.")
        {
            store, from, to, gateway, minutes, zone, output,
        };
        command.SetAction(async (result, ct) =>
        {
            var tz = TimeZoneInfo.Local;
            if (result.GetValue(zone) is { } zoneId && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out tz))
            {
                Console.Error.WriteLine($"--zone '{zoneId}' is invalid: expected an IANA time zone id, e.g. Europe/Oslo");
                return 2;
            }

            var query = GainsReport.TryParseQuery(result.GetValue(from), result.GetValue(to), result.GetValue(gateway), result.GetValue(minutes), tz!, out var error);
            if (query is null)
            {
                var option = "--" + error.Field.Replace('_', '-');
                var given = error.Field switch { "from" => result.GetValue(from), "to" => result.GetValue(to), "gateway" => result.GetValue(gateway), _ => result.GetValue(minutes) };
                Console.Error.WriteLine($"{option} '{given}' {error.Problem}");
                return 2;
            }

            var outPath = Path.GetFullPath(result.GetValue(output)!);
            if (Path.GetDirectoryName(outPath) is not { } outDir || !Directory.Exists(outDir))
            {
                Console.Error.WriteLine($"--out '{result.GetValue(output)}' is invalid: its directory does not exist");
                return 2;
            }

            var storeText = result.GetValue(store)!;

            // Opening a missing SQLite file would create an empty archive and report nothing, which reads as "no alarms".
            if (!ArchiveStore.IsPostgres(storeText) && !File.Exists(storeText))
            {
                Console.Error.WriteLine($"--store {storeText}: no such archive file");
                return 2;
            }

            GainsResult report;
            try
            {
                await using var archive = await ArchiveStore.OpenAsync(storeText, ct).ConfigureAwait(false);
                report = await GainsReport.ComputeAsync(archive, query, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FormatException or System.Data.Common.DbException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                Console.Error.WriteLine($"--store {ArchiveStore.Redact(storeText)}: cannot read the archive: {ex.Message}");
                return 2;
            }

            if (query.Gateway is { } only && report.Homes.Count == 0)
            {
                Console.Error.WriteLine($"--gateway '{only}': no such home in the archive");
                return 2;
            }

            // Written beside the target and moved over it, so a reader never sees half a report.
            var temp = outPath + ".tmp";
            try
            {
                await File.WriteAllTextAsync(temp, GainsHtml.Render(report), ct).ConfigureAwait(false);
                File.Move(temp, outPath, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                File.Delete(temp);
                Console.Error.WriteLine($"--out {outPath}: cannot write: {ex.Message}");
                return 2;
            }

            Console.Error.WriteLine($"central report: {report.Homes.Count} home(s), {(report.Homes.Count == 0 ? 0 : report.Homes[0].Weeks.Count)} week(s) written to {outPath}");
            return 0;
        });
        return command;
    }
}
