using System.CommandLine;
using EdgeGateway.TechnicianConsole.Security;

namespace EdgeGateway.Cli;

/// <summary><c>edgegateway pin-hash</c>: turns a technician PIN (read on stdin, never an argument that shows in ps) into the hash the config stores.</summary>
internal static class PinHashCommand
{
    public static Command Create()
    {
        var command = new Command("pin-hash", "Read a technician PIN on stdin and print its PBKDF2 hash for console.pin_hash in the config.");
        command.SetAction(async (_, ct) =>
        {
            var pin = (await Console.In.ReadLineAsync(ct).ConfigureAwait(false))?.Trim() ?? "";
            try
            {
                PinHash.ValidatePin(pin);
                if (pin == PinPolicy.DemoPin)
                {
                    throw new ArgumentException($"{PinPolicy.DemoPin} is the demo PIN; a real installation refuses it");
                }
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"pin-hash: {ex.Message}").ConfigureAwait(false);
                return 2;
            }

            await Console.Out.WriteLineAsync(PinHash.Create(pin).ToString()).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
