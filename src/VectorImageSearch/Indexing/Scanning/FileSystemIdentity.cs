using System.Runtime.InteropServices;

namespace VectorImageSearch.Indexing.Scanning;

/// <summary>
/// Identifies a directory by device and inode, so a walk that meets the same directory twice (through a symbolic link
/// or a bind mount) can tell. On Linux this asks <c>statx</c>, whose result layout is the same on every architecture;
/// elsewhere the directory's fully resolved path stands in.
/// </summary>
internal static partial class FileSystemIdentity
{
    private const int AtFdCwd = -100;
    private const uint StatxIno = 0x100;
    private const int StatxBufferSize = 256;
    private const int InodeOffset = 32;
    private const int DeviceMajorOffset = 136;
    private const int DeviceMinorOffset = 140;

    private static readonly bool UseStatx = OperatingSystem.IsLinux();

    /// <summary>The identity of the directory at <paramref name="path"/>, following symbolic links.</summary>
    /// <exception cref="IOException">The directory cannot be examined; the message names it and the system error.</exception>
    public static string Of(string path)
    {
        if (UseStatx)
        {
            Span<byte> buffer = stackalloc byte[StatxBufferSize];
            if (Statx(AtFdCwd, path, 0, StatxIno, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"Cannot examine the folder '{path}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
            }
            var inode = MemoryMarshal.Read<ulong>(buffer[InodeOffset..]);
            var major = MemoryMarshal.Read<uint>(buffer[DeviceMajorOffset..]);
            var minor = MemoryMarshal.Read<uint>(buffer[DeviceMinorOffset..]);
            return $"{major}:{minor}:{inode}";
        }
        var resolved = new DirectoryInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        return Path.TrimEndingDirectorySeparator(resolved);
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, ref byte buffer);
}
