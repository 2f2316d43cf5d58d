using System.Runtime.InteropServices;

namespace EdgeGateway.Configuration;

/// <summary>libc calls .NET does not expose: fsync of a directory, so a rename survives power loss; rename of a symlink over a symlink.</summary>
internal static class NativeMethods
{
    public const int ORdOnly = 0;

    // O_DIRECTORY is 0x10000 on x86-64 but 0x4000 on arm64/arm; both targets must open a directory.
    public static readonly int ODirectory = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

#pragma warning disable SA1300, IDE1006, SYSLIB1054, CA5392 // libc names; LibraryImport would need unsafe code in the host project for three blittable calls
    [DllImport("libc", SetLastError = true)]
    public static extern int open(byte[] path, int flags);

    [DllImport("libc", SetLastError = true)]
    public static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    public static extern int close(int fd);

    // rename(2) replaces a symlink with a symlink atomically; File.Move refuses a destination that resolves to a folder.
    [DllImport("libc", SetLastError = true)]
    public static extern int rename(byte[] oldPath, byte[] newPath);
#pragma warning restore SA1300, IDE1006, SYSLIB1054, CA5392
}
