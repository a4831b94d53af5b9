using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Station.Blocks;

/// <summary>P: DataTransfer in both directions (P01 from the CSMS, P02 to it).</summary>
public sealed class DataTransfer
{
    private readonly ChargingStation _station;

    internal DataTransfer(ChargingStation station) => _station = station;

    /// <summary>P02: sends a DataTransfer to the CSMS.</summary>
    public Task<DataTransferResponse> SendAsync(string vendorId, string? messageId = null, JsonElement? data = null, CancellationToken cancellationToken = default) =>
        _station.CallAsync(new DataTransferRequest { VendorId = vendorId, MessageId = messageId, Data = data }, cancellationToken);

    /// <summary>P01: a DataTransfer from the CSMS, answered by the host's handler or with UnknownVendorId.</summary>
    internal ValueTask<DataTransferResponse> Receive(DataTransferRequest request, OcppCallContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_station.Options.DataTransferHandler?.Invoke(request) ?? new DataTransferResponse { Status = DataTransferStatusEnumType.UnknownVendorId });
}
