using System.Globalization;
using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;
using UnitsNet;

namespace EdgeGateway.Devices.Board;

/// <summary>The board check's thresholds; each clears only past its hysteresis, so a value at the line does not flap.</summary>
public sealed record BoardCheckOptions
{
    /// <summary>Time between checks; the first runs at start.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>At or above this CPU temperature the board is too hot (the Pi firmware soft-throttles at 80 °C).</summary>
    public Temperature MaxCpuTemperature { get; init; } = Temperature.FromDegreesCelsius(80);

    /// <summary>How far below <see cref="MaxCpuTemperature"/> it must cool to count as restored.</summary>
    public TemperatureDelta TemperatureHysteresis { get; init; } = TemperatureDelta.FromDegreesCelsius(5);

    /// <summary>Below this share of free space in the data directory the outbox may soon not be written.</summary>
    public Ratio MinFreeSpace { get; init; } = Ratio.FromPercent(10);

    /// <summary>How far above <see cref="MinFreeSpace"/> it must climb to count as restored.</summary>
    public Ratio FreeSpaceHysteresis { get; init; } = Ratio.FromPercent(2);
}

/// <summary>One look at the board: each value null when it could not be read.</summary>
/// <param name="CpuTemperature">The SoC's temperature.</param>
/// <param name="Throttle">Under-voltage and throttling bits.</param>
/// <param name="ThrottleSource">rpi_volt, vcgencmd, or why neither could be read.</param>
/// <param name="FreeSpace">Free space of the data directory's file system.</param>
/// <param name="FreeShare">The same as a share of the file system.</param>
public sealed record BoardReading(Temperature? CpuTemperature, ThrottleState? Throttle, string ThrottleSource, Information? FreeSpace, Ratio? FreeShare);

/// <summary>A part of the board that crossed its threshold (fault) or came back (restored).</summary>
/// <param name="Event"><see cref="CareEventKind.BoardFault"/> or <see cref="CareEventKind.BoardRestored"/>.</param>
/// <param name="Part">temperature, power or storage (the event's subject is board.{part}).</param>
/// <param name="Reason">E.g. "CPU 83 °C at or above 80 °C".</param>
public readonly record struct BoardChange(CareEventKind Event, string Part, string Reason);

/// <summary>
/// The Pi's own health every <see cref="BoardCheckOptions.Interval"/>: CPU temperature (Iot.Device.CpuTemperature through
/// <c>cpuTemperature</c>), under-voltage (rpi_volt hwmon, else vcgencmd) and the data directory's free space; a part that
/// crosses its threshold is one fault event, its return one restore.
/// </summary>
public sealed partial class BoardCheck : IDisposable
{
    private readonly Func<Temperature?> _cpuTemperature;
    private readonly PiThrottling _throttling;
    private readonly Func<(Information Free, Information Total)?> _space;
    private readonly BoardCheckOptions _options;
    private readonly Action<BoardChange> _sink;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly Lock _gate = new();
    private readonly HashSet<string> _faulted = new(StringComparer.Ordinal);
    private BoardReading? _last;

    /// <summary>Creates the check and starts it (first check now).</summary>
    public BoardCheck(Func<Temperature?> cpuTemperature, PiThrottling throttling, Func<(Information Free, Information Total)?> space, BoardCheckOptions options, TimeProvider time, Action<BoardChange> sink, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(time);
        _cpuTemperature = cpuTemperature ?? throw new ArgumentNullException(nameof(cpuTemperature));
        _throttling = throttling ?? throw new ArgumentNullException(nameof(throttling));
        _space = space ?? throw new ArgumentNullException(nameof(space));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _timer = time.CreateTimer(_ => _ = TickAsync(), null, TimeSpan.Zero, options.Interval);
    }

    /// <summary>The latest reading; null before the first check ends.</summary>
    public BoardReading? Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>The parts at fault now (temperature, power, storage).</summary>
    public IReadOnlyList<string> Faulted
    {
        get
        {
            lock (_gate)
            {
                return [.. _faulted.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The free space of the file system holding <paramref name="directory"/>; null when it cannot be asked.</summary>
    public static (Information Free, Information Total)? FreeSpaceOf(string directory)
    {
        try
        {
            var drive = new DriveInfo(Path.GetFullPath(directory));
            return (Information.FromBytes(drive.AvailableFreeSpace), Information.FromBytes(drive.TotalSize));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Checks now, after a check already running; returns the reading.</summary>
    public async Task<BoardReading> CheckAsync(CancellationToken cancellationToken = default)
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

    private async Task<BoardReading> CheckNowAsync(CancellationToken cancellationToken)
    {
        var temperature = _cpuTemperature();
        var (flags, source) = await _throttling.ReadAsync(cancellationToken).ConfigureAwait(false);
        var space = _space();
        Ratio? share = space is { } s && s.Total.Bytes > 0 ? Ratio.FromDecimalFractions(s.Free.Bytes / s.Total.Bytes) : null;
        var reading = new BoardReading(temperature, flags, source, space?.Free, share);
        var changes = new List<BoardChange>();
        lock (_gate)
        {
            _last = reading;
            if (temperature is { } t)
            {
                var hot = _faulted.Contains("temperature")
                    ? t > _options.MaxCpuTemperature - _options.TemperatureHysteresis
                    : t >= _options.MaxCpuTemperature;
                Judge("temperature", hot, hot ? $"CPU {Celsius(t)} at or above {Celsius(_options.MaxCpuTemperature)}" : $"CPU {Celsius(t)}", changes);
            }

            if (flags is { } f)
            {
                var under = (f & ThrottleState.UnderVoltageNow) != 0;
                Judge("power", under, under ? $"under-voltage on the 5 V supply ({source})" : $"supply voltage normal ({source})", changes);
            }

            if (share is { } free)
            {
                var low = _faulted.Contains("storage")
                    ? free < _options.MinFreeSpace + _options.FreeSpaceHysteresis
                    : free < _options.MinFreeSpace;
                var text = $"{Percent(free)} free ({space!.Value.Free.Megabytes.ToString("0", CultureInfo.InvariantCulture)} MB) in the data directory";
                Judge("storage", low, low ? $"{text}, below {Percent(_options.MinFreeSpace)}" : text, changes);
            }
        }

        foreach (var c in changes)
        {
            LogChange(_logger, c.Event, c.Part, c.Reason);
            _sink(c);
        }

        return reading;
    }

    private void Judge(string part, bool bad, string reason, List<BoardChange> changes)
    {
        if (bad && _faulted.Add(part))
        {
            changes.Add(new(CareEventKind.BoardFault, part, reason));
        }
        else if (!bad && _faulted.Remove(part))
        {
            changes.Add(new(CareEventKind.BoardRestored, part, reason));
        }
    }

    private static string Celsius(Temperature t) => t.DegreesCelsius.ToString("0", CultureInfo.InvariantCulture) + " °C";

    private static string Percent(Ratio r) => r.Percent.ToString("0", CultureInfo.InvariantCulture) + " %";

    private async Task TickAsync()
    {
        if (!_running.Wait(0))
        {
            return;
        }

        try
        {
            await CheckNowAsync(CancellationToken.None).ConfigureAwait(false);
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
    public void Dispose() => _timer.Dispose();

    [LoggerMessage(EventId = 2210, Level = LogLevel.Warning, Message = "board: {Event} {Part}: {Reason}")]
    private static partial void LogChange(ILogger logger, CareEventKind @event, string part, string reason);

    [LoggerMessage(EventId = 2211, Level = LogLevel.Error, Message = "board check failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception ex);
}
