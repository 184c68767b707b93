using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace StreamMI.Host.Kafka;

/// <summary>
/// Finds the librdkafka native library that Confluent.Kafka loaded into this process and
/// opens a handle to that same file.
/// </summary>
/// <remarks>
/// <para>
/// Confluent.Kafka does not load one fixed file. The librdkafka.redist package ships several
/// Linux builds side by side (<c>librdkafka.so</c>, <c>centos8-librdkafka.so</c>,
/// <c>alpine-librdkafka.so</c>) and the client tries them in turn until one loads. On Debian 12
/// the default <c>librdkafka.so</c> fails because it needs <c>libsasl2.so.3</c> (Debian has
/// <c>libsasl2.so.2</c>), so the client ends up on <c>centos8-librdkafka.so</c>. A plain
/// <c>[DllImport("librdkafka")]</c> of our own does not make that fallback and fails with
/// <see cref="DllNotFoundException"/>.
/// </para>
/// <para>
/// So we first let Confluent.Kafka load its library, then ask the operating system which file
/// it mapped (on Linux, <c>/proc/self/maps</c>), and open that exact path: the loader hands back
/// the module that is already loaded, so the mock cluster runs inside the same copy of
/// librdkafka as the clients. Where no such map exists (Windows, macOS) we probe the same names
/// through the same assembly-relative search that the client's own imports use, and check that
/// the version matches the one the client reports.
/// </para>
/// </remarks>
internal static class LibrdkafkaLocator
{
    // The file names that librdkafka.redist ships, in the order Confluent.Kafka tries them.
    private static readonly string[] _probeNames =
    [
        "librdkafka",
        "centos8-librdkafka.so",
        "alpine-librdkafka.so",
    ];

    private static readonly Lock _gate = new();

    private static LoadedLibrdkafka? _loaded;

    /// <summary>
    /// Returns the handle and path of the librdkafka that Confluent.Kafka uses, loading it on
    /// first use.
    /// </summary>
    /// <exception cref="DllNotFoundException">
    /// Confluent.Kafka cannot load any librdkafka build, or the loaded file cannot be found.
    /// </exception>
    public static LoadedLibrdkafka Load()
    {
        lock (_gate)
        {
            // A failed attempt is not cached: a caller may fix the cause (for example by calling
            // Confluent.Kafka.Library.Load with an explicit path) and try again.
            _loaded ??= LoadCore();
            return _loaded;
        }
    }

    private static LoadedLibrdkafka LoadCore()
    {
        int clientVersion = LoadThroughClient();

        Assembly clientAssembly = typeof(Library).Assembly;

        foreach (string path in MappedLibrdkafkaPaths())
        {
            if (NativeLibrary.TryLoad(path, out IntPtr handle)
                && VersionOf(handle) == clientVersion)
            {
                return new LoadedLibrdkafka(handle, path);
            }
        }

        var tried = new List<string>();
        foreach (string name in _probeNames)
        {
            tried.Add(name);
            if (NativeLibrary.TryLoad(name, clientAssembly, null, out IntPtr handle)
                && VersionOf(handle) == clientVersion)
            {
                return new LoadedLibrdkafka(handle, name);
            }
        }

        throw new DllNotFoundException(
            $"Confluent.Kafka loaded librdkafka {Library.VersionString}, but the same library "
            + $"could not be opened again to reach its mock cluster API (tried the files mapped "
            + $"into this process, then {string.Join(", ", tried)} next to "
            + $"{clientAssembly.Location}).");
    }

    private static int LoadThroughClient()
    {
        try
        {
            // Reading the version makes Confluent.Kafka load its native library with its own
            // fallback rules, or fail with its own error.
            return Library.Version;
        }
        catch (Exception ex) when (ex is DllNotFoundException
                                       or FileLoadException
                                       or BadImageFormatException
                                       or EntryPointNotFoundException
                                       or InvalidOperationException)
        {
            throw new DllNotFoundException(
                "Confluent.Kafka could not load its native librdkafka library, so no Kafka "
                + "client and no embedded Kafka cluster can run in this process. The "
                + "librdkafka.redist package must be restored next to the application "
                + "(runtimes/<rid>/native); on Linux at least one of its builds must find its "
                + "dependencies (the default build needs libsasl2.so.3, the centos8 build only "
                + "glibc). Inner error: " + ex.Message,
                ex);
        }
    }

    private static int VersionOf(IntPtr handle)
    {
        if (!NativeLibrary.TryGetExport(handle, "rd_kafka_version", out IntPtr export))
        {
            return -1;
        }

        var version = Marshal.GetDelegateForFunctionPointer<VersionFunction>(export);
        return version();
    }

    /// <summary>
    /// Paths of mapped files whose name says librdkafka, from <c>/proc/self/maps</c>; empty
    /// where that file does not exist.
    /// </summary>
    private static List<string> MappedLibrdkafkaPaths()
    {
        var paths = new List<string>();
        const string MapsPath = "/proc/self/maps";
        if (!OperatingSystem.IsLinux() || !File.Exists(MapsPath))
        {
            return paths;
        }

        // Each line: address perms offset dev inode [path]. The path is the sixth field and may
        // itself contain spaces, so split into at most six parts.
        foreach (string line in File.ReadLines(MapsPath))
        {
            string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6)
            {
                continue;
            }

            string path = fields[5].Trim();
            string name = Path.GetFileName(path);
            bool looksLikeLibrdkafka = name.Contains("librdkafka", StringComparison.Ordinal)
                && !name.Contains("librdkafka++", StringComparison.Ordinal)
                && (name.EndsWith(".so", StringComparison.Ordinal)
                    || name.Contains(".so.", StringComparison.Ordinal));
            if (looksLikeLibrdkafka && path.StartsWith('/') && !paths.Contains(path))
            {
                paths.Add(path);
            }
        }

        return paths;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int VersionFunction();
}
