using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests;

/// <summary>
/// Block H on the CSMS, end to end: a real CSMS and a raw Ohm.Ocpp station over loopback WebSockets. Reservations made
/// through the API are stored with the station's answer, refused before sending when they overlap, cancelled, and moved
/// on by the station's ReservationStatusUpdate and by the TransactionEvent that carries their id.
/// </summary>
public sealed class ReservationTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    /// <summary>A station that answers ReserveNow and CancelReservation as told and keeps what it was sent.</summary>
    private sealed class FakeReservations
    {
        public ReserveNowStatusEnumType Answer { get; set; } = ReserveNowStatusEnumType.Accepted;

        public List<ReserveNowRequest> Reserved { get; } = [];

        public List<CancelReservationRequest> Cancelled { get; } = [];

        public OcppHandlers Handlers() => new OcppHandlers()
            .On(OcppActions.ReserveNow, (request, _, _) =>
            {
                lock (this)
                {
                    Reserved.Add(request);
                    return ValueTask.FromResult(new ReserveNowResponse { Status = Answer });
                }
            })
            .On(OcppActions.CancelReservation, (request, _, _) =>
            {
                lock (this)
                {
                    Cancelled.Add(request);
                    return ValueTask.FromResult(new CancelReservationResponse { Status = CancelReservationStatusEnumType.Accepted });
                }
            });
    }

    private static async Task<(int Status, JsonElement Body)> ReserveAsync(CsmsTestHost csms, string stationId, object body)
    {
        var response = await csms.Api.PostAsJsonAsync($"api/stations/{stationId}/reservations", body);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static object Body(int? evseId, string idToken, DateTimeOffset expiry, string? group = null, string? connectorType = null) => new
    {
        evseId,
        connectorType,
        idToken = new { idToken, type = "ISO14443" },
        groupIdToken = group is null ? null : new { idToken = group, type = "Central" },
        expiryDateTime = expiry,
    };

    private static async Task StatusesAsync(Ohm.Ocpp.Rpc.OcppConnection station, params int[] evseIds)
    {
        foreach (var id in evseIds)
        {
            await station.CallAsync(new StatusNotificationRequest { Timestamp = DateTimeOffset.UtcNow, ConnectorStatus = ConnectorStatusEnumType.Available, EvseId = id, ConnectorId = 1 });
        }
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task H01_a_specific_EVSE_is_reserved_with_a_CSMS_assigned_id_and_the_station_answer_is_stored(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var fake = new FakeReservations();
        await using var station = await csms.BootedStationAsync("CS-H01", fake.Handlers());
        var expiry = DateTimeOffset.UtcNow.AddHours(1);

        var (status, body) = await ReserveAsync(csms, "CS-H01", Body(1, "RFID-H1", expiry, group: "FLEET", connectorType: "cType2"));
        Assert.True(status == 200, body.ToString());
        var id = body.GetProperty("id").GetInt32();
        var sent = Assert.Single(fake.Reserved);
        Assert.Equal(id, sent.Id);
        Assert.Equal(1, sent.EvseId);
        Assert.Equal(ConnectorEnumType.CType2, sent.ConnectorType);
        Assert.Equal("RFID-H1", sent.IdToken.IdToken);
        Assert.Equal("FLEET", sent.GroupIdToken!.IdToken);
        Assert.Equal("Accepted", body.GetProperty("state").GetString());
        Assert.Equal("Accepted", body.GetProperty("stationStatus").GetString());

        var read = await csms.GetJsonAsync($"api/reservations/{id}");
        Assert.Equal("Accepted", read.GetProperty("state").GetString());
        Assert.Equal("FLEET", read.GetProperty("groupIdToken").GetProperty("idToken").GetString());

        // The station's refusal is stored with its status; the reservation does not hold.
        fake.Answer = ReserveNowStatusEnumType.Occupied;
        var (_, refused) = await ReserveAsync(csms, "CS-H01", Body(2, "RFID-H1", expiry));
        Assert.Equal("Rejected", refused.GetProperty("state").GetString());
        Assert.Equal("Occupied", refused.GetProperty("stationStatus").GetString());
        Assert.NotEqual(id, refused.GetProperty("id").GetInt32());

        var list = await csms.GetJsonAsync("api/reservations?stationId=CS-H01&state=Rejected");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        var byToken = await csms.GetJsonAsync("api/reservations?idToken=RFID-H1&limit=1");
        Assert.Equal(2, byToken.GetProperty("total").GetInt32());
        Assert.Single(byToken.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.String, byToken.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task H01_bad_input_is_a_400_ProblemDetails_and_nothing_is_sent()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var fake = new FakeReservations();
        await using var station = await csms.BootedStationAsync("CS-H01B", fake.Handlers());

        var (past, problem) = await ReserveAsync(csms, "CS-H01B", Body(1, "RFID-H1", DateTimeOffset.UtcNow.AddMinutes(-1)));
        Assert.Equal(400, past);
        Assert.True(problem.GetProperty("errors").TryGetProperty("expiryDateTime", out _), problem.ToString());
        var (noToken, _) = await ReserveAsync(csms, "CS-H01B", new { evseId = 1, expiryDateTime = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.Equal(400, noToken);
        var (badEvse, _) = await ReserveAsync(csms, "CS-H01B", Body(0, "RFID-H1", DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Equal(400, badEvse);
        var (unknown, _) = await ReserveAsync(csms, "CS-NOPE", Body(1, "RFID-H1", DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Equal(404, unknown);
        Assert.Empty(fake.Reserved);
        Assert.Equal(404, (int)(await csms.Api.GetAsync("api/reservations/999999")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task H01_overlapping_reservations_are_refused_by_the_CSMS_with_409_before_anything_is_sent(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var fake = new FakeReservations();
        await using var station = await csms.BootedStationAsync("CS-H01O", fake.Handlers());
        await StatusesAsync(station, 1, 2);
        var expiry = DateTimeOffset.UtcNow.AddHours(1);

        Assert.Equal(200, (await ReserveAsync(csms, "CS-H01O", Body(1, "A", expiry))).Status);
        var (same, problem) = await ReserveAsync(csms, "CS-H01O", Body(1, "B", expiry));
        Assert.Equal(409, same);
        Assert.Contains("EVSE 1", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Single(fake.Reserved);

        // Any EVSE: the station has two EVSEs known to the CSMS; one is reserved, so one reservation of any EVSE fits.
        Assert.Equal(200, (await ReserveAsync(csms, "CS-H01O", Body(null, "B", expiry))).Status);
        Assert.Null(fake.Reserved[1].EvseId);
        var (full, _) = await ReserveAsync(csms, "CS-H01O", Body(null, "C", expiry));
        Assert.Equal(409, full);
        Assert.Equal(2, fake.Reserved.Count);

        // A cancelled reservation no longer counts.
        var id = fake.Reserved[0].Id;
        Assert.Equal(200, (int)(await csms.Api.PostAsync($"api/reservations/{id}/cancel", null)).StatusCode);
        Assert.Equal(200, (await ReserveAsync(csms, "CS-H01O", Body(1, "C", expiry))).Status);
    }

    [Fact]
    public async Task H01_non_EVSE_specific_reservation_needs_an_EVSE_known_to_the_CSMS()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var fake = new FakeReservations();
        await using var station = await csms.BootedStationAsync("CS-H01N", fake.Handlers());
        var expiry = DateTimeOffset.UtcNow.AddHours(1);

        Assert.Equal(409, (await ReserveAsync(csms, "CS-H01N", Body(null, "A", expiry))).Status);
        await StatusesAsync(station, 1);
        var (ok, body) = await ReserveAsync(csms, "CS-H01N", Body(null, "A", expiry));
        Assert.Equal(200, ok);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("evseId").ValueKind);
        Assert.Single(fake.Reserved);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task H02_a_reservation_is_cancelled_through_the_API_and_the_answer_is_stored(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var fake = new FakeReservations();
        await using var station = await csms.BootedStationAsync("CS-H02", fake.Handlers());
        var (_, made) = await ReserveAsync(csms, "CS-H02", Body(1, "A", DateTimeOffset.UtcNow.AddHours(1)));
        var id = made.GetProperty("id").GetInt32();

        var (status, body) = await csms.PostJsonAsync($"api/reservations/{id}/cancel", "{}");
        Assert.True(status == 200, body.ToString());
        Assert.Equal(id, Assert.Single(fake.Cancelled).ReservationId);
        Assert.Equal("Cancelled", body.GetProperty("state").GetString());
        Assert.Equal("Accepted", body.GetProperty("cancelStatus").GetString());

        // Only an active reservation can be cancelled; an unknown one is 404.
        Assert.Equal(409, (await csms.PostJsonAsync($"api/reservations/{id}/cancel", "{}")).Status);
        Assert.Equal(404, (await csms.PostJsonAsync("api/reservations/999999/cancel", "{}")).Status);
        Assert.Single(fake.Cancelled);
    }

    [Fact]
    public async Task H04_ReservationStatusUpdate_Expired_and_Removed_are_stored_and_an_Accepted_reservation_past_its_expiry_reads_Expired()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(clock));
        var fake = new FakeReservations();
        await using var station = await csms.BootedStationAsync("CS-H04", fake.Handlers());
        var expiry = clock.GetUtcNow().AddMinutes(30);
        var first = (await ReserveAsync(csms, "CS-H04", Body(1, "A", expiry))).Body.GetProperty("id").GetInt32();
        var second = (await ReserveAsync(csms, "CS-H04", Body(2, "B", expiry))).Body.GetProperty("id").GetInt32();
        var third = (await ReserveAsync(csms, "CS-H04", Body(3, "C", expiry))).Body.GetProperty("id").GetInt32();

        await station.CallAsync(new ReservationStatusUpdateRequest { ReservationId = first, ReservationUpdateStatus = ReservationUpdateStatusEnumType.Expired });
        await station.CallAsync(new ReservationStatusUpdateRequest { ReservationId = second, ReservationUpdateStatus = ReservationUpdateStatusEnumType.Removed });
        Assert.Equal("Expired", (await csms.GetJsonAsync($"api/reservations/{first}")).GetProperty("state").GetString());
        Assert.Equal("Removed", (await csms.GetJsonAsync($"api/reservations/{second}")).GetProperty("state").GetString());
        Assert.Equal("Accepted", (await csms.GetJsonAsync($"api/reservations/{third}")).GetProperty("state").GetString());

        // An unknown reservationId still gets its answer.
        await station.CallAsync(new ReservationStatusUpdateRequest { ReservationId = 424242, ReservationUpdateStatus = ReservationUpdateStatusEnumType.Expired });

        clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal("Expired", (await csms.GetJsonAsync($"api/reservations/{third}")).GetProperty("state").GetString());
        Assert.Equal(2, (await csms.GetJsonAsync("api/reservations?state=Expired")).GetProperty("total").GetInt32());

        // Expired, it no longer blocks its EVSE.
        Assert.Equal(200, (await ReserveAsync(csms, "CS-H04", Body(3, "D", clock.GetUtcNow().AddMinutes(10)))).Status);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task H03_the_reservationId_in_the_first_TransactionEvent_marks_the_reservation_Used_with_its_transaction(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        await csms.AddTokenAsync(new { idToken = "RFID-H3", type = "ISO14443" });
        var fake = new FakeReservations();
        await using var station = await csms.BootedStationAsync("CS-H03", fake.Handlers());
        var id = (await ReserveAsync(csms, "CS-H03", Body(1, "RFID-H3", DateTimeOffset.UtcNow.AddHours(1)))).Body.GetProperty("id").GetInt32();

        var started = TransactionTests.Event("TX-H3", 0, TransactionEventEnumType.Started, token: new IdTokenType { IdToken = "RFID-H3", Type = IdTokenEnumType.ISO14443 });
        started.ReservationId = id;
        await station.CallAsync(started);

        var read = await csms.GetJsonAsync($"api/reservations/{id}");
        Assert.Equal("Used", read.GetProperty("state").GetString());
        Assert.Equal("TX-H3", read.GetProperty("transactionId").GetString());
        Assert.Equal(409, (await csms.PostJsonAsync($"api/reservations/{id}/cancel", "{}")).Status);
    }
}
