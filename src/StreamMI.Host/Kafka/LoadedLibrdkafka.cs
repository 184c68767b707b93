namespace StreamMI.Host.Kafka;

/// <summary>
/// An open handle to the librdkafka native library and the file or name it was opened from.
/// </summary>
/// <param name="Handle">A handle from <c>NativeLibrary.Load</c> or <c>TryLoad</c>.</param>
/// <param name="Path">The path or probe name that was opened, for error messages.</param>
internal sealed record LoadedLibrdkafka(IntPtr Handle, string Path);
