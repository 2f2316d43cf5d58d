using System.Threading.Channels;
using EdgeGateway.Configuration;
using EdgeGateway.Core.Configuration;
using EdgeGateway.TechnicianConsole;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TechnicianConsole.Services;
using EdgeGateway.TechnicianConsole.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Composition;

/// <summary>How <c>run</c> was asked to run: data dir (config or command line), config path, optional console.</summary>
internal sealed record GatewayRunOptions(string DataDir, string ConfigPath, string? Console);
