namespace EdgeGateway.Devices.Accelerometers.Mpu6050;

/// <summary>MPU-6050 register addresses (Register Map and Descriptions, RM-MPU-6000A-00 Rev. 4.2).</summary>
public enum Mpu6050Register : byte
{
    /// <summary>Sample rate divider: rate = gyro output rate / (1 + SMPLRT_DIV).</summary>
    SmplrtDiv = 0x19,

    /// <summary>FSYNC and digital low-pass filter (DLPF_CFG bits 2:0).</summary>
    Config = 0x1A,

    /// <summary>Accelerometer self-test and full scale (AFS_SEL bits 4:3).</summary>
    AccelConfig = 0x1C,

    /// <summary>Which measurements go into the FIFO; bit 3 ACCEL_FIFO_EN.</summary>
    FifoEn = 0x23,

    /// <summary>Interrupt enable.</summary>
    IntEnable = 0x38,

    /// <summary>Interrupt status, cleared on read: bit 4 FIFO_OFLOW_INT, bit 0 DATA_RDY_INT.</summary>
    IntStatus = 0x3A,

    /// <summary>Accelerometer X high byte; X, Y, Z follow big-endian up to 0x40.</summary>
    AccelXoutH = 0x3B,

    /// <summary>User control: bit 6 FIFO_EN, bit 2 FIFO_RESET.</summary>
    UserCtrl = 0x6A,

    /// <summary>Power management 1: bit 7 DEVICE_RESET, bit 6 SLEEP (set at reset), bits 2:0 CLKSEL.</summary>
    PwrMgmt1 = 0x6B,

    /// <summary>FIFO byte count, high byte (latches both).</summary>
    FifoCountH = 0x72,

    /// <summary>FIFO byte count, low byte.</summary>
    FifoCountL = 0x73,

    /// <summary>FIFO read/write; reading pops one byte and does not auto-increment.</summary>
    FifoRw = 0x74,

    /// <summary>WHO_AM_I, 0x68.</summary>
    WhoAmI = 0x75,
}

/// <summary>Accelerometer full scale (AFS_SEL).</summary>
public enum Mpu6050Range : byte
{
    /// <summary>±2 g, 16384 LSB/g.</summary>
    G2 = 0,

    /// <summary>±4 g, 8192 LSB/g.</summary>
    G4 = 1,

    /// <summary>±8 g, 4096 LSB/g.</summary>
    G8 = 2,

    /// <summary>±16 g, 2048 LSB/g.</summary>
    G16 = 3,
}
