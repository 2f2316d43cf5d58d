namespace EdgeGateway.Devices.Accelerometers.Adxl345;

/// <summary>ADXL345 register addresses (datasheet Rev. G, Table 19).</summary>
public enum Adxl345Register : byte
{
    /// <summary>Device ID, fixed 0xE5.</summary>
    DevId = 0x00,

    /// <summary>Data rate and power mode; reset 0x0A (100 Hz).</summary>
    BwRate = 0x2C,

    /// <summary>Power-saving features; bit 3 Measure.</summary>
    PowerCtl = 0x2D,

    /// <summary>Interrupt enable.</summary>
    IntEnable = 0x2E,

    /// <summary>Interrupt mapping.</summary>
    IntMap = 0x2F,

    /// <summary>Interrupt source; reset 0x02. DATA_READY, watermark and overrun clear when data is read, the rest when this register is read.</summary>
    IntSource = 0x30,

    /// <summary>Data format: bit 3 FULL_RES, bit 2 Justify, bits 1:0 range.</summary>
    DataFormat = 0x31,

    /// <summary>X-axis data 0 (LSB); X1, Y0, Y1, Z0, Z1 follow up to 0x37.</summary>
    DataX0 = 0x32,

    /// <summary>Z-axis data 1 (MSB), the last data register.</summary>
    DataZ1 = 0x37,

    /// <summary>FIFO control: bits 7:6 mode, bit 5 trigger, bits 4:0 samples.</summary>
    FifoCtl = 0x38,

    /// <summary>FIFO status: bit 7 FIFO_TRIG, bits 5:0 entries.</summary>
    FifoStatus = 0x39,
}

/// <summary>Measurement range (DATA_FORMAT bits 1:0).</summary>
public enum Adxl345Range : byte
{
    /// <summary>±2 g.</summary>
    G2 = 0b00,

    /// <summary>±4 g.</summary>
    G4 = 0b01,

    /// <summary>±8 g.</summary>
    G8 = 0b10,

    /// <summary>±16 g.</summary>
    G16 = 0b11,
}

/// <summary>FIFO mode (FIFO_CTL bits 7:6).</summary>
public enum Adxl345FifoMode : byte
{
    /// <summary>FIFO bypassed.</summary>
    Bypass = 0b00,

    /// <summary>Collects up to 32 samples, then stops.</summary>
    Fifo = 0b01,

    /// <summary>Holds the newest 32 samples, overwriting the oldest.</summary>
    Stream = 0b10,

    /// <summary>Stream until a trigger, then fills and stops.</summary>
    Trigger = 0b11,
}
