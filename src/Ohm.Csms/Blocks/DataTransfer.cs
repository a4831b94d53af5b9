using System.Collections.Concurrent;
using Ohm.Csms.Sessions;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>Serves one vendor's DataTransfer messages.</summary>
public delegate ValueTask<DataTransferResponse> DataTransferHandler(DataTransferRequest request, OcppCallContext context, CancellationToken cancellationToken);

/// <summary>Block P, DataTransfer, on the CSMS side: handlers registered per vendorId and messageId.</summary>
public sealed class DataTransfer(IStationCallRouter router)
{
    private readonly ConcurrentDictionary<(string VendorId, string MessageId), DataTransferHandler> _handlers = new();

    /// <summary>Registers the handler of a vendor's messages; a null <paramref name="messageId"/> serves all of them.</summary>
    public void Register(string vendorId, string? messageId, DataTransferHandler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(vendorId);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[(vendorId, messageId ?? "")] = handler;
    }

    // P01 Data Transfer to the CSMS: UnknownVendorId or UnknownMessageId when no handler serves it.
    public ValueTask<DataTransferResponse> DataTransferAsync(DataTransferRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MessageId is { } messageId && _handlers.TryGetValue((request.VendorId, messageId), out var exact))
        {
            return exact(request, context, cancellationToken);
        }

        if (_handlers.TryGetValue((request.VendorId, ""), out var vendor))
        {
            return vendor(request, context, cancellationToken);
        }

        var knownVendor = _handlers.Keys.Any(k => k.VendorId == request.VendorId);
        return ValueTask.FromResult(new DataTransferResponse
        {
            Status = knownVendor ? DataTransferStatusEnumType.UnknownMessageId : DataTransferStatusEnumType.UnknownVendorId,
        });
    }

    // P02 Data Transfer to the Charging Station
    public Task<DataTransferResponse> SendAsync(string stationId, DataTransferRequest request, CancellationToken cancellationToken) =>
        router.CallAsync(stationId, request, cancellationToken);
}
