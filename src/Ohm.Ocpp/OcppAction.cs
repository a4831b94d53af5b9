using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Ohm.Ocpp.Validation;

namespace Ohm.Ocpp;

/// <summary>Checks the JSON value at the reader against a schema; the reader ends on the value's last token.</summary>
internal delegate bool SchemaValidator(ref Utf8JsonReader reader, ref OcppValidationError? error);

/// <summary>One OCPP 2.0.1 action: its name, the role that sends its CALL, and how to read, write and validate its two messages.</summary>
public abstract class OcppAction
{
    private readonly SchemaValidator _requestValidator;
    private readonly SchemaValidator _responseValidator;

    private protected OcppAction(string name, OcppRole sender, SchemaValidator requestValidator, SchemaValidator responseValidator)
    {
        Name = name;
        Sender = sender;
        NameUtf8 = Encoding.UTF8.GetBytes(name);
        _requestValidator = requestValidator;
        _responseValidator = responseValidator;
    }

    /// <summary>The action name as written in a CALL.</summary>
    public string Name { get; }

    /// <summary>The role (or roles, for DataTransfer) that sends this action's CALL.</summary>
    public OcppRole Sender { get; }

    /// <summary>The request type.</summary>
    public abstract Type RequestType { get; }

    /// <summary>The response type.</summary>
    public abstract Type ResponseType { get; }

    /// <summary>Source-generated metadata of the request.</summary>
    public abstract JsonTypeInfo RequestTypeInfo { get; }

    /// <summary>Source-generated metadata of the response.</summary>
    public abstract JsonTypeInfo ResponseTypeInfo { get; }

    internal byte[] NameUtf8 { get; }

    /// <summary>Whether <paramref name="role"/> sends this action's CALL.</summary>
    public bool IsSentBy(OcppRole role) => (Sender & role) != 0;

    /// <summary>Checks a request payload against the request schema; null when it is valid.</summary>
    public OcppValidationError? ValidateRequest(ReadOnlySpan<byte> json) => SchemaChecks.ValidateDocument(json, _requestValidator);

    /// <summary>Checks a response payload against the response schema; null when it is valid.</summary>
    public OcppValidationError? ValidateResponse(ReadOnlySpan<byte> json) => SchemaChecks.ValidateDocument(json, _responseValidator);

    /// <summary>Reads a request that <see cref="ValidateRequest"/> accepted.</summary>
    public object ReadRequest(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, RequestTypeInfo) ?? throw new JsonException("The request payload is null.");

    /// <summary>Reads a response that <see cref="ValidateResponse"/> accepted.</summary>
    public object ReadResponse(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, ResponseTypeInfo) ?? throw new JsonException("The response payload is null.");

    /// <summary>The action's name.</summary>
    public override string ToString() => Name;
}

/// <summary>An action with its typed request and response.</summary>
public sealed class OcppAction<TRequest, TResponse> : OcppAction
    where TRequest : class, IOcppRequest<TResponse>
    where TResponse : class, IOcppResponse
{
    internal OcppAction(
        string name,
        OcppRole sender,
        JsonTypeInfo<TRequest> requestInfo,
        JsonTypeInfo<TResponse> responseInfo,
        SchemaValidator requestValidator,
        SchemaValidator responseValidator)
        : base(name, sender, requestValidator, responseValidator)
    {
        RequestInfo = requestInfo;
        ResponseInfo = responseInfo;
    }

    /// <summary>Typed metadata of the request.</summary>
    public JsonTypeInfo<TRequest> RequestInfo { get; }

    /// <summary>Typed metadata of the response.</summary>
    public JsonTypeInfo<TResponse> ResponseInfo { get; }

    /// <inheritdoc/>
    public override Type RequestType => typeof(TRequest);

    /// <inheritdoc/>
    public override Type ResponseType => typeof(TResponse);

    /// <inheritdoc/>
    public override JsonTypeInfo RequestTypeInfo => RequestInfo;

    /// <inheritdoc/>
    public override JsonTypeInfo ResponseTypeInfo => ResponseInfo;
}
