using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;

namespace Ohm.Station.Blocks;

/// <summary>P: DataTransfer in both directions (P01 from the CSMS, P02 to it).</summary>
public sealed class DataTransfer
{
    private readonly IStationContext _context;
    private readonly Func<DataTransferRequest, DataTransferResponse?> _answer;

    /// <param name="context">The station.</param>
    /// <param name="answer">The host's answer to a DataTransfer from the CSMS, or null when it has none.</param>
    internal DataTransfer(IStationContext context, Func<DataTransferRequest, DataTransferResponse?> answer)
    {
        _context = context;
        _answer = answer;
    }

    /// <summary>P02: sends a DataTransfer to the CSMS.</summary>
    public Task<DataTransferResponse> SendAsync(string vendorId, string? messageId = null, JsonElement? data = null, CancellationToken cancellationToken = default) =>
        _context.CallAsync(new DataTransferRequest { VendorId = vendorId, MessageId = messageId, Data = data }, cancellationToken);

    /// <summary>P01: a DataTransfer from the CSMS, answered by the host's handler or with UnknownVendorId.</summary>
    internal ValueTask<DataTransferResponse> Receive(DataTransferRequest request, OcppCallContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_answer(request) ?? new DataTransferResponse { Status = DataTransferStatusEnumType.UnknownVendorId });
}
