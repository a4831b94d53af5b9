using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Ohm.Ocpp.Validation;

namespace Ohm.Ocpp;

/// <summary>Checks the JSON value at the reader against a schema; the reader ends on the value's last token.</summary>
internal delegate bool SchemaValidator(ref Utf8JsonReader reader, ref OcppValidationError? error);

/// <summary>Reads the JSON object at the reader into its message type; the reader ends on the object's last token.</summary>
internal delegate object MessageReader(ref Utf8JsonReader reader);

/// <summary>One OCPP 2.0.1 action: its name, the role that sends its CALL, and how to read, write and validate its two messages.</summary>
public abstract class OcppAction
{
    private readonly SchemaValidator _requestValidator;
    private readonly SchemaValidator _responseValidator;
    private readonly MessageReader _requestReader;
    private readonly MessageReader _responseReader;

    private protected OcppAction(
        string name,
        OcppRole sender,
        SchemaValidator requestValidator,
        SchemaValidator responseValidator,
        MessageReader requestReader,
        MessageReader responseReader)
    {
        Name = name;
        Sender = sender;
        NameUtf8 = Encoding.UTF8.GetBytes(name);
        _requestValidator = requestValidator;
        _responseValidator = responseValidator;
        _requestReader = requestReader;
        _responseReader = responseReader;
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
    /// <remarks>
    /// The reader is generated with the validator and gives the same object as deserializing with
    /// <see cref="RequestTypeInfo"/>, several times faster and with about half the allocations. It relies on the
    /// validation: a payload the schema rejects may fail with a <see cref="JsonException"/> where the serializer would
    /// have been lenient (an enumeration value in another case, for example).
    /// </remarks>
    /// <exception cref="JsonException">The payload is not JSON or does not have the shape of the request.</exception>
    public object ReadRequest(ReadOnlySpan<byte> json) => ReadDocument(json, _requestReader, "request");

    /// <summary>Reads a response that <see cref="ValidateResponse"/> accepted; see <see cref="ReadRequest"/>.</summary>
    /// <exception cref="JsonException">The payload is not JSON or does not have the shape of the response.</exception>
    public object ReadResponse(ReadOnlySpan<byte> json) => ReadDocument(json, _responseReader, "response");

    private static object ReadDocument(ReadOnlySpan<byte> json, MessageReader read, string what)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        try
        {
            if (!reader.Read())
            {
                throw new JsonException($"The {what} payload is empty.");
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                throw new JsonException($"The {what} payload is null.");
            }

            var message = read(ref reader);
            return reader.Read() ? throw new JsonException($"The {what} payload has content after its end.") : message;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            // The reader's typed getters throw the first two when a value has the wrong JSON type or range, or a string
            // does not decode; the constructors of values (DateTimeOffset, TimeSpan) the last. None of them is expected
            // for a validated payload.
            throw new JsonException($"The {what} payload does not have the shape of its schema: {ex.Message}", ex);
        }
    }

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
        SchemaValidator responseValidator,
        MessageReader requestReader,
        MessageReader responseReader)
        : base(name, sender, requestValidator, responseValidator, requestReader, responseReader)
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
