namespace Ohm.Cli.Tests.Cluster;

/// <summary>
/// One <see cref="ClusterProcesses"/> shared by the tests of a class (starting three processes is the slow part), started
/// on first use, so that a class whose tests are skipped starts nothing. A test that kills or stops a node leaves it so
/// (a restart costs as much as a test); <see cref="ClusterAsync"/> starts stopped nodes again only when fewer run than the
/// next test needs.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private ClusterProcesses? _cluster;

    /// <summary>The cluster, with at least <paramref name="running"/> nodes running and members (all, by default).</summary>
    public async Task<ClusterProcesses> ClusterAsync(int running = int.MaxValue)
    {
        _cluster ??= await ClusterProcesses.StartAsync();
        await _cluster.EnsureRunningAsync(running);
        return _cluster;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
