using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Devices.Configuration;
using EdgeGateway.Devices.Contacts;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Devices.Tests.Configuration;

public sealed class DevicesConfigTests
{
    private static DevicesConfig Valid() => new()
    {
        Contacts =
        [
            new ContactConfig { SensorId = "front-door", Kind = "DoorContact", Pin = 17, Wiring = ContactWiring.NormallyClosed },
            new ContactConfig { SensorId = "bed", Kind = "BedMat", Pin = 27 },
            new ContactConfig { SensorId = "pull-cord", Kind = "HelpButton", Pin = 5 },
        ],
        FlowMeters = [new FlowMeterConfig { SensorId = "kitchen", Pin = 22, PulsesPerLitre = 450 }],
        Accelerometers = [new AccelerometerConfig { SensorId = "hall", Chip = "ADXL345", Address = 0x53 }],
        Outputs = new OutputsConfig { BuzzerPin = 18, LedPin = 23, ValveRelayPin = 24 },
    };

    [Fact]
    public void The_reference_home_is_valid_and_maps_to_driver_options()
    {
        var config = Valid();
        Assert.Empty(config.Validate());
        var door = config.Contacts[0].ToOptions();
        Assert.Equal(SensorKind.DoorContact, door.Kind);
        Assert.Equal(ContactWiring.NormallyClosed, door.Wiring);
        Assert.Equal(TimeSpan.FromMilliseconds(50), door.Debounce);
    }

    [Fact]
    public void Unknown_sensor_kind_is_named_with_its_key_and_the_kinds_that_exist()
    {
        var config = Valid();
        config.Contacts[1] = new ContactConfig { SensorId = "bed", Kind = "Bedmatt", Pin = 27 };
        var error = Assert.Single(config.Validate().Lines());
        Assert.Equal("devices.contacts.1.kind: unknown sensor kind 'Bedmatt'; expected one of DoorContact, BedMat, ChairMat, HelpButton, MedicationDispenser, DispenserFault, SmokeDetector, SmokeDetectorFault, StoveGuard, StoveGuardFault, Motion", error);
    }

    [Fact]
    public void The_same_pin_twice_names_both_keys()
    {
        var config = Valid();
        config.FlowMeters[0] = new FlowMeterConfig { SensorId = "kitchen", Pin = 17, PulsesPerLitre = 450 };
        Assert.Equal(["devices.flow_meters.0.pin: GPIO 17 is already used by devices.contacts.0.pin"], config.Validate().Lines());
    }

    [Fact]
    public void The_key_already_holding_a_pin_or_an_id_is_kept_as_a_key_not_only_as_text()
    {
        var config = Valid();
        config.FlowMeters[0] = new FlowMeterConfig { SensorId = "bed", Pin = 17, PulsesPerLitre = 450 };
        var issues = config.Validate();
        Assert.Equal(2, issues.Count);
        Assert.Contains(issues, i => i.Key == ConfigKey.Parse("devices.flow_meters.0.sensor_id") && i.Other == ConfigKey.Parse("devices.contacts.1.sensor_id"));
        Assert.Contains(issues, i => i.Key == ConfigKey.Parse("devices.flow_meters.0.pin") && i.Other == ConfigKey.Parse("devices.contacts.0.pin"));
    }

    [Theory]
    [InlineData(2, "reserved for I2C")]
    [InlineData(3, "reserved for I2C")]
    [InlineData(14, "reserved for the UART")]
    [InlineData(15, "reserved for the UART")]
    [InlineData(28, "does not exist")]
    public void Reserved_and_missing_pins_are_refused(int pin, string problem)
    {
        var config = Valid();
        config.Contacts[2] = new ContactConfig { SensorId = "pull-cord", Kind = "HelpButton", Pin = pin };
        var error = Assert.Single(config.Validate().Lines());
        Assert.StartsWith($"devices.contacts.2.pin: GPIO {pin} ", error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-450.0)]
    [InlineData(double.NaN)]
    public void A_k_factor_that_is_not_positive_is_refused(double k)
    {
        var config = Valid();
        config.FlowMeters[0] = new FlowMeterConfig { SensorId = "kitchen", Pin = 22, PulsesPerLitre = k };
        var error = Assert.Single(config.Validate().Lines());
        Assert.StartsWith("devices.flow_meters.0.pulses_per_litre: ", error, StringComparison.Ordinal);
        Assert.Contains("must be more than zero", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Accelerometer_chip_address_and_rate_are_checked()
    {
        var config = Valid();
        config.Accelerometers.Add(new AccelerometerConfig { SensorId = "bedroom", Chip = "MPU6050", Address = 0x53, SampleRateHz = 150 });
        config.Accelerometers.Add(new AccelerometerConfig { SensorId = "bath", Chip = "LIS3DH", Address = 0x18 });
        var errors = config.Validate().Lines();
        Assert.Contains("devices.accelerometers.1.address: 0x53 is not an address the MPU6050 can have; expected 0x68 or 0x69", errors);
        Assert.Contains("devices.accelerometers.1.sample_rate_hz: 150 is not supported; use 50, 100, 200 or 400", errors);
        Assert.Contains("devices.accelerometers.2.chip: unknown sensor kind 'LIS3DH'; expected ADXL345 or MPU6050", errors);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_and_the_exception_lists_them()
    {
        var valid = Valid();
        var config = new DevicesConfig
        {
            Contacts = [.. valid.Contacts, new ContactConfig { SensorId = "front-door", Kind = "DoorContact", Pin = null }],
            FlowMeters = valid.FlowMeters,
            Accelerometers = valid.Accelerometers,
            Outputs = new OutputsConfig { BuzzerPin = 18, LedPin = 18 },
        };
        var errors = config.Validate().Lines();
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Contains("devices.contacts.3.sensor_id: sensor id 'front-door' is already used by devices.contacts.0.sensor_id", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("devices.contacts.3.pin: missing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("devices.outputs.led_pin: GPIO 18 is already used by devices.outputs.buzzer_pin", StringComparison.Ordinal));
    }
}
