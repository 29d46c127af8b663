using System.Runtime.InteropServices;

namespace VectorImageSearch.IO;

/// <summary>
/// Replaces files so that a crash at any moment leaves either the previous file or the complete new one: write a
/// temporary file in the same folder, flush it to disk (fsync), rename it over the target, flush the folder. A failure
/// at any step deletes the temporary file and leaves the previous file as it was.
/// </summary>
internal static partial class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="writeTemporary"/>, which must create the file it is given.</summary>
    /// <param name="path">The file to replace or create; its folder must exist.</param>
    /// <param name="writeTemporary">Writes the complete content to the temporary path it receives.</param>
    /// <param name="beforeCommit">Runs after the temporary file is on disk and before the rename (tests inject failures here).</param>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void Write(string path, Action<string> writeTemporary, Action<string>? beforeCommit = null)
    {
        var (fullPath, directory, temporary) = Prepare(path);
        try
        {
            writeTemporary(temporary);
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                stream.Flush(flushToDisk: true);
            }
            beforeCommit?.Invoke(temporary);
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        FsyncDirectory(directory);
    }

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, which fills the stream it is given.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var (fullPath, directory, temporary) = Prepare(path);
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        FsyncDirectory(directory);
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        WriteAsync(path, (stream, ct) => stream.WriteAsync(bytes, ct).AsTask(), cancellationToken);

    /// <summary>Deletes a file, ignoring one that is gone or locked.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Makes a finished rename durable: the folder's entry must reach the disk too.</summary>
    /// <exception cref="IOException">fsync of the folder failed.</exception>
    public static void FsyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return;
        }
        const int readOnly = 0;
        const int directoryFlag = 0x10000; // O_DIRECTORY on Linux x86-64 and arm64
        var descriptor = Open(directory, readOnly | (OperatingSystem.IsLinux() ? directoryFlag : 0));
        if (descriptor < 0)
        {
            return;
        }
        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"fsync of the folder '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    private static (string FullPath, string Directory, string Temporary) Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Cannot write '{fullPath}': the folder '{directory}' does not exist.");
        }
        return (fullPath, directory, Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp"));
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
