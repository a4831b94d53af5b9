using System.Text.Json;
using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests.Blocks;

/// <summary>Block P, DataTransfer, on the CSMS side, with the wire faked.</summary>
public sealed class DataTransferTests
{
    private static JsonElement Json(string value) => JsonSerializer.SerializeToElement(value);

    private static JsonElement Object(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static DataTransferHandler Answer(string data, List<(DataTransferRequest Request, string StationId)>? seen = null) =>
        (request, context, _) =>
        {
            seen?.Add((request, context.StationId));
            return ValueTask.FromResult(new DataTransferResponse { Status = DataTransferStatusEnumType.Accepted, Data = Json(data) });
        };

    [Fact]
    public async Task P01_a_message_is_served_by_the_handler_of_its_vendor_and_messageId_with_its_data_and_station()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-P01");
        var seen = new List<(DataTransferRequest, string)>();
        bed.DataTransfer.Register("com.example", "Price", Answer("exact", seen));

        var response = await bed.HandleAsync(bed.DataTransfer.DataTransferAsync, station, new DataTransferRequest { VendorId = "com.example", MessageId = "Price", Data = Object("{\"evse\":1}") });

        Assert.Equal((DataTransferStatusEnumType.Accepted, "exact"), (response.Status, response.Data?.ToString()));
        var (request, stationId) = Assert.Single(seen);
        Assert.Equal(("CS-P01", "{\"evse\":1}"), (stationId, request.Data?.ToString()));
    }

    [Fact]
    public async Task P01_a_vendor_wide_handler_serves_the_messages_of_its_vendor_that_no_exact_handler_serves()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-P01b");
        bed.DataTransfer.Register("com.example", null, Answer("vendor"));
        bed.DataTransfer.Register("com.example", "Price", Answer("exact"));

        var exact = await bed.HandleAsync(bed.DataTransfer.DataTransferAsync, station, new DataTransferRequest { VendorId = "com.example", MessageId = "Price" });
        var other = await bed.HandleAsync(bed.DataTransfer.DataTransferAsync, station, new DataTransferRequest { VendorId = "com.example", MessageId = "Other" });
        var none = await bed.HandleAsync(bed.DataTransfer.DataTransferAsync, station, new DataTransferRequest { VendorId = "com.example" });

        Assert.Equal(["exact", "vendor", "vendor"], new[] { exact, other, none }.Select(r => r.Data?.ToString()));
    }

    [Fact]
    public async Task P01_a_known_vendor_with_an_unknown_message_gets_UnknownMessageId_and_an_unknown_vendor_gets_UnknownVendorId()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-P01c");
        bed.DataTransfer.Register("com.example", "Price", Answer("exact"));

        var unknownMessage = await bed.HandleAsync(bed.DataTransfer.DataTransferAsync, station, new DataTransferRequest { VendorId = "com.example", MessageId = "Other" });
        var noMessageId = await bed.HandleAsync(bed.DataTransfer.DataTransferAsync, station, new DataTransferRequest { VendorId = "com.example" });
        var unknownVendor = await bed.HandleAsync(bed.DataTransfer.DataTransferAsync, station, new DataTransferRequest { VendorId = "org.other", MessageId = "Price" });

        Assert.Equal(DataTransferStatusEnumType.UnknownMessageId, unknownMessage.Status);
        Assert.Equal(DataTransferStatusEnumType.UnknownMessageId, noMessageId.Status);
        Assert.Equal(DataTransferStatusEnumType.UnknownVendorId, unknownVendor.Status);
    }

    [Fact]
    public async Task P01_with_no_handler_at_all_every_vendor_is_unknown()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-P01d");
        var response = await bed.HandleAsync(bed.DataTransfer.DataTransferAsync, station, new DataTransferRequest { VendorId = "com.example", MessageId = "Price", Data = Json("x") });
        Assert.Equal(DataTransferStatusEnumType.UnknownVendorId, response.Status);
        Assert.Null(response.Data);
    }

    [Fact]
    public async Task P01_registering_again_replaces_the_handler()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-P01e");
        bed.DataTransfer.Register("com.example", "Price", Answer("first"));
        bed.DataTransfer.Register("com.example", "Price", Answer("second"));
        var response = await bed.HandleAsync(bed.DataTransfer.DataTransferAsync, station, new DataTransferRequest { VendorId = "com.example", MessageId = "Price" });
        Assert.Equal("second", response.Data?.ToString());
    }

    [Fact]
    public async Task P02_a_data_transfer_to_the_station_is_sent_as_given_and_returns_its_answer()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        bed.Station("CS-P02");
        bed.Router.Answer<DataTransferRequest, DataTransferResponse>(r => new DataTransferResponse { Status = DataTransferStatusEnumType.Rejected, Data = Json("echo:" + r.MessageId) });

        var response = await bed.DataTransfer.SendAsync("CS-P02", new DataTransferRequest { VendorId = "com.example", MessageId = "Display", Data = Json("hello") }, CancellationToken.None);

        Assert.Equal((DataTransferStatusEnumType.Rejected, "echo:Display"), (response.Status, response.Data?.ToString()));
        var sent = Assert.Single(bed.Router.Requests<DataTransferRequest>());
        Assert.Equal(("com.example", "Display", "hello"), (sent.VendorId, sent.MessageId, sent.Data?.ToString()));
    }

    [Fact]
    public async Task P02_a_station_not_connected_or_not_answering_fails_the_transfer()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await Assert.ThrowsAsync<StationNotConnectedException>(
            () => bed.DataTransfer.SendAsync("CS-P02-off", new DataTransferRequest { VendorId = "com.example" }, CancellationToken.None));

        bed.Station("CS-P02-slow");
        bed.Router.FailWithTimeout<DataTransferRequest>();
        await Assert.ThrowsAsync<OcppCallTimeoutException>(
            () => bed.DataTransfer.SendAsync("CS-P02-slow", new DataTransferRequest { VendorId = "com.example" }, CancellationToken.None));
        Assert.True(bed.Router.IsConnected("CS-P02-slow"));
        Assert.Equal(OcppActions.DataTransfer, Assert.Single(bed.Router.Calls).Action);
    }
}
