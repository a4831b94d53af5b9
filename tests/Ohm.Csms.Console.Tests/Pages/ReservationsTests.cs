using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Ohm.Csms.Accounts;
using Ohm.Csms.Blocks;
using Ohm.Csms.Console.Pages;
using Ohm.Csms.Queries;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Console.Tests.Pages;

public sealed class ReservationsTests
{
    /// <summary>No station is connected: every call fails as the CSMS's router fails it.</summary>
    internal sealed class OfflineRouter : IStationCallRouter
    {
        public bool IsConnected(string stationId) => false;

        public Task<TResponse> CallAsync<TResponse>(string stationId, IOcppRequest<TResponse> request, CancellationToken cancellationToken = default)
            where TResponse : class, IOcppResponse => throw new StationNotConnectedException(stationId);

        public Task<byte[]> CallRawAsync(string stationId, OcppAction action, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
            throw new StationNotConnectedException(stationId);

        public Task<bool> DisconnectAsync(string stationId, string reason, CancellationToken cancellationToken = default) => Task.FromResult(false);
    }

    private static async Task<CapabilityPageContext> StartAsync(OperatorRole role)
    {
        var context = await CapabilityPageContext.StartAsync(role);
        context.Bunit.Services.AddSingleton(new ReservationQueries(context.Database, context.Time))
            .AddSingleton(new Reservation(context.Writer, context.Database, new OfflineRouter(), new StationMessageStore(context.Writer, context.Time), context.Time));
        var now = context.Time.GetUtcNow();
        await context.Writer.ExecuteAsync(db =>
        {
            db.Stations.AddRange(new StationRecord { Id = "CS1" }, new StationRecord { Id = "CS2" });
            db.Reservations.AddRange(
                Row("CS1", "TOKEN-A", ReservationState.Accepted, now.AddMinutes(30), now),
                Row("CS1", "TOKEN-B", ReservationState.Accepted, now.AddMinutes(-5), now), // past its expiry: reads Expired
                Row("CS2", "TOKEN-C", ReservationState.Cancelled, now.AddMinutes(30), now));
            return Task.CompletedTask;
        });
        return context;
    }

    private static ReservationRecord Row(string station, string token, ReservationState state, DateTimeOffset expiry, DateTimeOffset now) => new()
    {
        StationId = station, EvseId = 1, IdToken = token, IdTokenType = "ISO14443", ExpiryDateTime = expiry, State = state, StationStatus = "Accepted", CreatedAt = now, UpdatedAt = now,
    };

    [Fact]
    public async Task The_list_shows_every_reservation_with_its_state_as_it_reads_now_and_a_cancel_button_only_on_the_active_one()
    {
        await using var context = await StartAsync(OperatorRole.Operator);
        context.Bunit.Render<MudPopoverProvider>();
        var page = context.Bunit.Render<Reservations>();

        page.WaitForAssertion(() => Assert.Equal(["Accepted", "Expired", "Cancelled"], page.FindAll("[data-testid=reservation-state]").Select(c => c.TextContent.Trim())));
        Assert.Equal(["CS1", "CS1", "CS2"], page.FindAll("[data-testid=reservation-station]").Select(c => c.TextContent.Trim()));
        var active = page.FindAll("[data-testid=reservation-id]")[0].TextContent.Trim();
        Assert.Single(page.FindAll("[data-testid^=cancel-]"));
        Assert.NotNull(page.Find($"[data-testid=cancel-{active}]"));
    }

    [Fact]
    public async Task Filtering_by_station_keeps_only_its_rows_and_a_viewer_sees_no_cancel_nor_reserve_form()
    {
        await using var context = await StartAsync(OperatorRole.Viewer);
        context.Bunit.Render<MudPopoverProvider>();
        var page = context.Bunit.Render<Reservations>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=reservation-state]").Count));

        Fields.Input(page, "station-filter").Change("CS2");

        page.WaitForAssertion(() => Assert.Equal(["CS2"], page.FindAll("[data-testid=reservation-station]").Select(c => c.TextContent.Trim())));
        Assert.Empty(page.FindAll("[data-testid^=cancel-]"));
        Assert.Empty(page.FindAll("[data-testid=reserve-form]"));
    }

    [Fact]
    public async Task Reserving_for_a_station_that_is_not_connected_says_so_plainly()
    {
        await using var context = await StartAsync(OperatorRole.Operator);
        context.Bunit.Render<MudPopoverProvider>();
        var page = context.Bunit.Render<Reservations>();

        Fields.Input(page, "reserve-station").Change("CS1");
        Fields.Input(page, "reserve-token").Change("TOKEN-D");
        await page.Find("[data-testid=reserve]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("not connected", page.Find("[data-testid=result]").TextContent, StringComparison.Ordinal));
    }
}
