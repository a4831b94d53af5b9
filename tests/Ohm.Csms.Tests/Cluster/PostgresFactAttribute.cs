using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>A test that needs PostgreSQL: skipped only where there is none and it is not CI (CI must run it, and fails without one).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestDatabases.PostgresAdmin is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "needs PostgreSQL: eval \"$(.ci/postgres start)\" sets OHM_TEST_POSTGRES";
        }
    }
}
