namespace StreamMI.Deploy.Tests;

/// <summary>
/// A test that publishes the whole worker, which takes a minute or more on the build
/// machines and would double the run time of this project. It runs when the environment
/// variable STREAMMI_DEPLOY_PUBLISH is 1 and is reported as skipped, with that reason,
/// otherwise.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PublishFactAttribute : FactAttribute
{
    public PublishFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("STREAMMI_DEPLOY_PUBLISH") != "1")
        {
            Skip = "Publishing takes over a minute: set STREAMMI_DEPLOY_PUBLISH=1 to run it.";
        }
    }
}
