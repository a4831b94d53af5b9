using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Ohm.Csms.Cluster;

/// <summary>Turns a CSMS host into a node of a cluster: an Orleans silo, its membership in the CSMS's PostgreSQL.</summary>
public static class ClusterHosting
{
    /// <summary>The key of the router the CSMS's (audited) router wraps in cluster mode; unset, it wraps the local sessions.</summary>
    public const string InnerRouterKey = "ohm-cluster";

    /// <summary>Adds the silo and the cluster's router and presence. Call only when <see cref="ClusterSettings.Enabled"/>.</summary>
    /// <param name="builder">The CSMS host's builder.</param>
    /// <param name="settings">Validated settings.</param>
    /// <param name="postgres">The CSMS's PostgreSQL connection string.</param>
    /// <param name="callTimeout">The OCPP call timeout: a call routed to another node may wait that long for the station.</param>
    public static void Add(IHostApplicationBuilder builder, ClusterSettings settings, string postgres, TimeSpan callTimeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        var services = builder.Services;
        var address = IPAddress.Parse(settings.AdvertisedAddress);

        // Orleans tells much at Information; its warnings and errors are what an operator needs, unless configured.
        if (builder.Configuration["Logging:LogLevel:Orleans"] is null)
        {
            builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        }

        // Before the silo's own hosted services: the membership tables must be there when it joins.
        services.AddHostedService(_ => new ClusterSchemaSetup(postgres));
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            silo.ConfigureEndpoints(address, settings.SiloPort, settings.GatewayPort);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = postgres;
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = callTimeout + TimeSpan.FromSeconds(15));
            silo.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection("Cluster:Membership")); // how soon a dead node is declared dead (Orleans' names)
        });

        // Presence (issue 16): the node's name carries its run's generation, so a restarted node is another holder.
        services.AddSingleton(sp => new ClusterNodeName(ClusterNodes.NameOf(sp.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().SiloAddress)));
        services.AddSingleton<ClusterNodes>().AddSingleton<RemotePresenceCache>();
        services.AddSingleton<IStationDirectory, ClusterStationDirectory>(); // the API's and the console's connected, across the nodes
        services.AddSingleton<ICsmsNodes, ClusterCsmsNodes>(); // the API's and the console's node list
        services.AddHostedService<ClusterNodeWatch>(); // a dead node's rows closed, the grains told again
        services.AddSingleton(settings).AddSingleton<LastSeenFlush>().AddHostedService(sp => sp.GetRequiredService<LastSeenFlush>()); // "last seen" of this node's stations for the others
        services.AddSingleton<LocalStationNode>();
        services.AddSingleton<ClusterStationPresence>().AddSingleton<IStationPresence>(sp => sp.GetRequiredService<ClusterStationPresence>());
        services.AddHostedService(sp => new ClusterNodeLifetime(sp.GetRequiredService<ClusterStationPresence>())); // after the silo's: stops before it
        services.AddKeyedSingleton<IStationCallRouter, ClusterStationCallRouter>(InnerRouterKey);

        // What every node must hear at once: the peers (found through the directory grain, told directly), the id-token
        // evictions, the console's fleet changes and the live event stream. Registered after CsmsHost's in-process ones: these win.
        services.AddSingleton<ClusterPeers>().AddSingleton<LocalClusterNode>().AddSingleton<Ohm.Csms.Sessions.IReportRelay, ClusterReportRelay>(); // report parts to the node that waits
        services.AddSingleton<ClusterFleetChanges>().AddSingleton<Ohm.Csms.Events.IFleetChanges>(sp => sp.GetRequiredService<ClusterFleetChanges>());
        services.AddSingleton<ClusterEventFanOut>().AddSingleton<Ohm.Csms.Events.IEventFanOut>(sp => sp.GetRequiredService<ClusterEventFanOut>());
        services.AddHostedService<ClusterNodeRegistration>(); // after the silo's: registers once it runs, leaves before it stops

        // Work that runs once in the cluster: a site tree's balance, a campaign, a station's local-list update (a grain
        // each), webhook delivery (one node, holding a PostgreSQL advisory lock).
        services.AddSingleton<Ohm.Csms.Sites.ISiteBalancePlacement, ClusterSiteBalancePlacement>();
        services.AddSingleton<Ohm.Csms.Campaigns.ICampaignPlacement, ClusterCampaignPlacement>();
        services.AddSingleton<Ohm.Csms.Blocks.ILocalListPlacement, ClusterLocalListPlacement>();
        services.AddSingleton<Ohm.Csms.Events.IWebhookDeliveryLease>(sp => new PostgresWebhookLease(postgres, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PostgresWebhookLease>>()));
    }

    private sealed class ClusterNodeLifetime(ClusterStationPresence presence) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            presence.Release();
            return Task.CompletedTask;
        }
    }

    private sealed class ClusterSchemaSetup(string postgres) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => ClusterSchema.EnsureAsync(postgres, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
