namespace Ohm.Cli.Tests.Cluster;

/// <summary>A test on <see cref="ClusterProcesses"/>: skipped only where there is no PostgreSQL and it is not CI (CI must run it).</summary>
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("OHM_TEST_POSTGRES") is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "needs PostgreSQL: eval \"$(.ci/postgres start)\" sets OHM_TEST_POSTGRES";
        }
    }
}
