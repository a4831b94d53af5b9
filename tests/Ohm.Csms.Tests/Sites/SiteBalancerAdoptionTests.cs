using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Sites;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests.Sites;

/// <summary>
/// A balancer that takes a site over (in a cluster: the site's grain was activated on its node after another node died)
/// does not trust what it knew of the site: its next balance sends every EVSE its profile again.
/// </summary>
public sealed class SiteBalancerAdoptionTests
{
    [Fact]
    public async Task A_site_adopted_by_a_balancer_gets_its_profiles_sent_again_at_the_next_balance()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        Assert.Equal(HttpStatusCode.Created, (await csms.Api.PostAsJsonAsync("api/sites", new { id = "yard", name = "Yard", limit = 20, limitUnit = "A" })).StatusCode);
        await csms.RegisterAsync("CS-ADOPT");
        Assert.True((await csms.Api.PutAsJsonAsync("api/sites/yard/members", new[] { new { stationId = "CS-ADOPT", evseCount = 1 } })).IsSuccessStatusCode);
        var limits = new ConcurrentQueue<decimal>();
        var handlers = new OcppHandlers().On(OcppActions.SetChargingProfile, (request, _, _) =>
        {
            if (request.ChargingProfile.ChargingProfilePurpose == ChargingProfilePurposeEnumType.TxProfile)
            {
                limits.Enqueue(request.ChargingProfile.ChargingSchedule[0].ChargingSchedulePeriod[0].Limit);
            }

            return ValueTask.FromResult(new SetChargingProfileResponse { Status = ChargingProfileStatusEnumType.Accepted });
        });
        await using var station = await csms.BootedStationAsync("CS-ADOPT", handlers);
        var balancer = csms.App.Services.GetRequiredService<SiteBalancer>();
        var background = csms.App.Services.GetRequiredService<BackgroundWork>();
        await station.CallAsync(TransactionTests.Event("TX-ADOPT", 0, TransactionEventEnumType.Started, energyWh: null, state: ChargingStateEnumType.Charging));
        await SettledAsync(balancer, background);
        Assert.Equal([20m], limits.ToArray());

        // Asked again, it sends nothing: the allocation did not change.
        balancer.RunHere("yard", null);
        await SettledAsync(balancer, background);
        Assert.Single(limits);

        // Adopted, it forgets what it sent: the station gets its TxProfile again.
        balancer.Adopt("yard");
        balancer.RunHere("yard", null);
        await SettledAsync(balancer, background);
        Assert.Equal([20m, 20m], limits.ToArray());
    }

    private static async Task SettledAsync(SiteBalancer balancer, BackgroundWork background)
    {
        for (var i = 0; i < 1500 && (balancer.IsBusy || background.Count > 0); i++)
        {
            await background.WaitAsync();
            await Task.Delay(10);
        }

        Assert.False(balancer.IsBusy, "the balancer settles");
    }
}
