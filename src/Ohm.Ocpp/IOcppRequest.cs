namespace Ohm.Ocpp;

/// <summary>The request of an OCPP action: the payload of a CALL.</summary>
public interface IOcppRequest
{
    /// <summary>The action this request belongs to.</summary>
    OcppAction Action { get; }
}

/// <summary>A request whose CALLRESULT carries a <typeparamref name="TResponse"/>.</summary>
#pragma warning disable CA1040 // The marker ties a request to its response type for CallAsync's inference.
public interface IOcppRequest<TResponse> : IOcppRequest
    where TResponse : class, IOcppResponse;

/// <summary>The response of an OCPP action: the payload of a CALLRESULT.</summary>
public interface IOcppResponse;
#pragma warning restore CA1040
