namespace StreamMI.Host.Tests.Kafka;

/// <summary>
/// A fact that reads Linux-only files such as /proc/self/maps; skipped elsewhere.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "reads /proc/self/maps, which only Linux has";
        }
    }
}
