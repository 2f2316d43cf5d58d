using System.Globalization;
using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;
using UnitsNet;

namespace EdgeGateway.Devices.Modem;

/// <summary>The periodic modem check's settings.</summary>
public sealed record ModemCheckOptions
{
    /// <summary>Time between checks; the first runs at start.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Below this signal quality the secondary path is reported faulty.</summary>
    public Ratio MinSignal { get; init; } = Ratio.FromPercent(20);

    /// <summary>How far above <see cref="MinSignal"/> a weak signal must climb to count as restored, so a signal at the threshold does not flap.</summary>
    public Ratio SignalHysteresis { get; init; } = Ratio.FromPercent(5);
}

/// <summary>What one check found: the problem (or none) and a technician-readable reason.</summary>
/// <param name="Problem">The problem; <see cref="ModemProblem.None"/> when the secondary path is fit.</param>
/// <param name="Reason">E.g. "SIM missing (state failed, sim-missing)" or "signal 12 % below 20 %".</param>
public readonly record struct ModemVerdict(ModemProblem Problem, string Reason)
{
    /// <summary>Judges <paramref name="reading"/>; <paramref name="signalWasLow"/> raises the bar by the hysteresis.</summary>
    public static ModemVerdict Of(ModemReading reading, ModemCheckOptions options, bool signalWasLow = false)
    {
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentNullException.ThrowIfNull(options);
        if (reading.Status is not { } s)
        {
            return new(reading.Problem, reading.Detail);
        }

        if (s.State == "failed" || s.FailedReason is not null)
        {
            return s.FailedReason == "sim-missing"
                ? new(ModemProblem.SimMissing, "SIM missing (sim-missing)")
                : new(ModemProblem.ModemFailed, $"modem failed ({s.FailedReason ?? "no reason given"})");
        }

        if (s.IsLocked)
        {
            return new(ModemProblem.SimLocked, $"SIM locked, needs {s.UnlockRequired ?? "unlocking"}");
        }

        if (!s.IsRegistered)
        {
            return new(ModemProblem.NotRegistered, $"not registered ({s.Registration ?? s.State})");
        }

        var bar = signalWasLow ? options.MinSignal + options.SignalHysteresis : options.MinSignal;
        return s.SignalQuality is { } q && q < bar
            ? new(ModemProblem.SignalLow, $"signal {Percent(q)} below {Percent(bar)}")
            : new(ModemProblem.None, $"registered ({s.Registration ?? s.State}) on {s.Operator ?? "unknown operator"}, signal {(s.SignalQuality is { } sq ? Percent(sq) : "unknown")}");
    }

    private static string Percent(Ratio r) => r.Percent.ToString("0", CultureInfo.InvariantCulture) + " %";
}

/// <summary>A change the modem check reports: the secondary path became unfit (or unfit for another reason), or fit again.</summary>
/// <param name="Event"><see cref="CareEventKind.ModemFault"/> or <see cref="CareEventKind.ModemRestored"/>.</param>
/// <param name="Verdict">What the check found.</param>
public readonly record struct ModemChange(CareEventKind Event, ModemVerdict Verdict);

/// <summary>
/// Checks the 4G modem every <see cref="ModemCheckOptions.Interval"/> and reports a fault when the secondary path could not
/// carry an alarm (no modem, SIM missing or locked, not registered, weak signal), a new fault when the reason changes,
/// and a restore when it clears. The first check runs at start; a healthy first check says nothing.
/// </summary>
public sealed partial class ModemCheck : IDisposable
{
    private readonly IModemReader _reader;
    private readonly ModemCheckOptions _options;
    private readonly Action<ModemChange> _sink;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _running = new(1, 1);
    private ModemVerdict _verdict = new(ModemProblem.None, "not checked yet");
    private ModemStatus? _last;
    private bool _checked;

    /// <summary>Creates the check and starts it (first check now).</summary>
    public ModemCheck(IModemReader reader, ModemCheckOptions options, TimeProvider time, Action<ModemChange> sink, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(sink);
        _reader = reader;
        _options = options;
        _sink = sink;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _timer = time.CreateTimer(_ => _ = TickAsync(), null, TimeSpan.Zero, options.Interval);
    }

    /// <summary>The latest verdict ("not checked yet" before the first check ends).</summary>
    public ModemVerdict Verdict
    {
        get
        {
            lock (_gate)
            {
                return _verdict;
            }
        }
    }

    /// <summary>True once a check has ended (the verdict before it is only a placeholder).</summary>
    public bool HasChecked
    {
        get
        {
            lock (_gate)
            {
                return _checked;
            }
        }
    }

    /// <summary>The latest status the modem gave; null while it has never been read.</summary>
    public ModemStatus? LastStatus
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>Checks now, after a check already running (the timer's); returns the verdict.</summary>
    public async Task<ModemVerdict> CheckAsync(CancellationToken cancellationToken = default)
    {
        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await CheckNowAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<ModemVerdict> CheckNowAsync(CancellationToken cancellationToken)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var reading = await _reader.ReadAsync(both.Token).ConfigureAwait(false);
        ModemChange? change = null;
        ModemVerdict verdict;
        lock (_gate)
        {
            var previous = _verdict;
            verdict = ModemVerdict.Of(reading, _options, signalWasLow: previous.Problem == ModemProblem.SignalLow);
            _verdict = verdict;
            _checked = true;
            _last = reading.Status ?? _last;
            if (verdict.Problem != previous.Problem)
            {
                change = verdict.Problem == ModemProblem.None
                    ? new ModemChange(CareEventKind.ModemRestored, verdict)
                    : new ModemChange(CareEventKind.ModemFault, verdict);
            }
        }

        if (change is { } c)
        {
            LogChange(_logger, c.Event, c.Verdict.Reason);
            _sink(c);
        }

        return verdict;
    }

    private async Task TickAsync()
    {
        // A tick that finds a check still running (mmcli slow, an interval shorter than its time limit) is skipped.
        if (!_running.Wait(0))
        {
            return;
        }

        try
        {
            await CheckNowAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A timer callback must not die: a check that throws is logged and the next one runs.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogCheckFailed(_logger, ex);
        }
        finally
        {
            _running.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The semaphore and the token source stay undisposed: a check still on its way out may release or read them.
        _timer.Dispose();
        _stop.Cancel();
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Warning, Message = "4G modem: {Event}: {Reason}")]
    private static partial void LogChange(ILogger logger, CareEventKind @event, string reason);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Error, Message = "4G modem check failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception ex);
}
