using NetVips;

namespace VectorImageSearch.Onnx.Imaging;

/// <summary>
/// The process-wide libvips settings of the pipeline (applied once, on first use) and the one way its code calls
/// libvips so that every failure reports its own message.
/// </summary>
/// <remarks>
/// <para>libvips' operation cache is turned off: it would keep files open and image pipelines alive after a decode,
/// and a load keyed on a file name would return the old pixels of a file rewritten in place.</para>
/// <para>libvips' error buffer is process-wide: when two decodes fail at once, one can read the other's message (or
/// an empty one). <see cref="Run{T}"/> runs decodes side by side under a shared lock; when one fails it runs again
/// under the exclusive lock, with the buffer cleared and no other decode running, so the message it reports is its
/// own. Failures are rare and cost one repeated decode.</para>
/// </remarks>
internal static class Libvips
{
    private static readonly Lazy<string?> Initialization = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    // Decodes hold it shared; a failed decode repeats under it exclusively (see the remarks).
    private static readonly ReaderWriterLockSlim Gate = new(LockRecursionPolicy.NoRecursion);

    // libvips reports recoverable decoder complaints as GLib warnings on stderr. A bad image already fails with its
    // message (fail-on), so they would only repeat it on the host application's console. Kept alive here.
    private static readonly Log.LogDelegate DropLog = static (_, _, _) => { };

    /// <summary>Starts libvips (through NetVips) with the pipeline's settings; throws if it cannot be loaded.</summary>
    public static void EnsureInitialized()
    {
        var failure = Initialization.Value;
        if (failure is not null)
        {
            throw new InvalidOperationException($"libvips could not be started: {failure}");
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> (which calls libvips) beside other decodes. If it throws a
    /// <see cref="VipsException"/>, runs it once more alone, with libvips' error buffer cleared, and lets that run's
    /// exception (whose message then belongs to this call) or result through.
    /// </summary>
    public static T Run<T>(Func<T> action)
    {
        Gate.EnterReadLock();
        try
        {
            return action();
        }
        catch (VipsException)
        {
            // Fall through: repeat alone.
        }
        finally
        {
            Gate.ExitReadLock();
        }

        Gate.EnterWriteLock();
        try
        {
            ClearErrorBuffer();
            return action();
        }
        finally
        {
            Gate.ExitWriteLock();
        }
    }

    /// <summary>
    /// libvips' own text from a <see cref="VipsException"/> (NetVips puts its summary, "unable to call …", on the first
    /// line and the error buffer after it), one line per message joined with "; ".
    /// </summary>
    public static string Message(VipsException exception)
    {
        var text = exception.Message;
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var buffer = newline >= 0 ? text[(newline + 1)..] : string.Empty;
        var lines = buffer.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 0 ? string.Join("; ", lines) : text.Trim();
    }

    // NetVips reads and then clears the buffer when it builds a VipsException; that is its only public way to clear it.
    private static void ClearErrorBuffer() => _ = new VipsException(string.Empty);

    private static string? Initialize()
    {
        try
        {
            if (!ModuleInitializer.VipsInitialized)
            {
                return ModuleInitializer.Exception?.Message ?? "NetVips did not initialise libvips (is the NetVips.Native package referenced for this platform?)";
            }
            Cache.Max = 0;
            Cache.MaxMem = 0;
            Cache.MaxFiles = 0;
            Log.SetLogHandler("VIPS", Enums.LogLevelFlags.Warning | Enums.LogLevelFlags.Message | Enums.LogLevelFlags.Info, DropLog);
            return null;
        }
        catch (Exception exception) when (exception is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException or VipsException)
        {
            return exception.InnerException?.Message ?? exception.Message;
        }
    }
}
