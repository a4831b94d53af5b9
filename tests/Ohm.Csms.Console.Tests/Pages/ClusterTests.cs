using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Ohm.Csms.Console.Pages;
using Ohm.Csms.Events;
using Ohm.Csms.Sessions;

namespace Ohm.Csms.Console.Tests.Pages;

/// <summary>The cluster page: the CSMS's nodes, their states and the stations each holds, redrawn when stations come and go.</summary>
public sealed class ClusterTests
{
    [Fact]
    public async Task The_cluster_page_lists_each_node_with_its_state_and_stations_and_follows_connections()
    {
        var nodes = new Nodes(
        [
            new CsmsNode("10.0.0.1:11111@1", "10.0.0.1:11111", CsmsNodeStatus.Active, true, 40),
            new CsmsNode("10.0.0.2:11111@1", "10.0.0.2:11111", CsmsNodeStatus.ShuttingDown, false, 3),
            new CsmsNode("10.0.0.3:11111@1", "10.0.0.3:11111", CsmsNodeStatus.Dead, false, 0),
        ]);
        var changes = new InProcessFleetChanges();
        await using var context = Context(nodes, changes);
        var page = context.Render<ClusterNodes>();

        page.WaitForAssertion(() => Assert.Equal(["Active", "ShuttingDown", "Dead"], page.FindAll("[data-testid=cluster-node-status]").Select(s => s.TextContent.Trim())));
        Assert.Equal(["40", "3", "0"], page.FindAll("[data-testid=cluster-node-stations]").Select(s => s.TextContent.Trim()));
        Assert.Single(page.FindAll(".mud-chip"), c => c.TextContent.Contains("this node", StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=cluster-single]"));

        // A station connects to node 1: the page reads the nodes again.
        nodes.List = [nodes.List[0] with { ConnectedStations = 41 }, .. nodes.List.Skip(1)];
        changes.Publish(new FleetChange(FleetChangeKind.Connected, "CS-NEW", DateTimeOffset.UtcNow));
        page.WaitForAssertion(() => Assert.Equal("41", page.FindAll("[data-testid=cluster-node-stations]")[0].TextContent.Trim()), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task On_one_node_the_cluster_page_says_so()
    {
        await using var context = Context(new Nodes([new CsmsNode(LocalCsmsNodes.LocalName, null, CsmsNodeStatus.Active, true, 2)]), new InProcessFleetChanges());
        var page = context.Render<ClusterNodes>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=cluster-single]")));
        Assert.Equal("2", Assert.Single(page.FindAll("[data-testid=cluster-node-stations]")).TextContent.Trim());
    }

    private static BunitContext Context(ICsmsNodes nodes, IFleetChanges changes)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(nodes).AddSingleton(changes).AddSingleton(TimeProvider.System);
        context.AddAuthorization().SetAuthorized("viewer");
        return context;
    }

    private sealed class Nodes(IReadOnlyList<CsmsNode> list) : ICsmsNodes
    {
        public IReadOnlyList<CsmsNode> List { get; set; } = list;

        public Task<IReadOnlyList<CsmsNode>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(List);
    }
}
