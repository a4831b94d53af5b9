namespace Ohm.Ocpp;

/// <summary>The error codes of a CALLERROR (OCPP-J, Part 4, "RPC Framework error codes").</summary>
public enum OcppErrorCode
{
    /// <summary>Payload for Action is syntactically incorrect.</summary>
    FormatViolation,

    /// <summary>Any other error not covered by the more specific error codes.</summary>
    GenericError,

    /// <summary>An internal error occurred and the receiver was not able to process the requested Action successfully.</summary>
    InternalError,

    /// <summary>A message with a Message Type Number that is not supported by this implementation.</summary>
    MessageTypeNotSupported,

    /// <summary>Requested Action is not known by receiver.</summary>
    NotImplemented,

    /// <summary>Requested Action is recognized but not supported by the receiver.</summary>
    NotSupported,

    /// <summary>Payload for Action is syntactically correct but at least one of the fields violates occurrence constraints.</summary>
    OccurrenceConstraintViolation,

    /// <summary>Payload is syntactically correct but at least one field contains an invalid value.</summary>
    PropertyConstraintViolation,

    /// <summary>Payload for Action is not conform the PDU structure.</summary>
    ProtocolError,

    /// <summary>Content of the call is not a valid RPC Request, for example: MessageId could not be read.</summary>
    RpcFrameworkError,

    /// <summary>During the processing of Action a security issue occurred preventing receiver from completing the Action successfully.</summary>
    SecurityError,

    /// <summary>Payload for Action is syntactically correct but at least one of the fields violates data type constraints.</summary>
    TypeConstraintViolation,
}

/// <summary>Wire spelling of <see cref="OcppErrorCode"/>.</summary>
public static class OcppErrorCodes
{
    /// <summary>The code as written in a CALLERROR.</summary>
    public static string ToWire(this OcppErrorCode code) => code switch
    {
        OcppErrorCode.FormatViolation => "FormatViolation",
        OcppErrorCode.GenericError => "GenericError",
        OcppErrorCode.InternalError => "InternalError",
        OcppErrorCode.MessageTypeNotSupported => "MessageTypeNotSupported",
        OcppErrorCode.NotImplemented => "NotImplemented",
        OcppErrorCode.NotSupported => "NotSupported",
        OcppErrorCode.OccurrenceConstraintViolation => "OccurrenceConstraintViolation",
        OcppErrorCode.PropertyConstraintViolation => "PropertyConstraintViolation",
        OcppErrorCode.ProtocolError => "ProtocolError",
        OcppErrorCode.RpcFrameworkError => "RpcFrameworkError",
        OcppErrorCode.SecurityError => "SecurityError",
        OcppErrorCode.TypeConstraintViolation => "TypeConstraintViolation",
        _ => throw new ArgumentOutOfRangeException(nameof(code)),
    };

    /// <summary>Parses a received code; an unknown one is read as <see cref="OcppErrorCode.GenericError"/>.</summary>
    public static OcppErrorCode FromWire(string? code) =>
        code is not null && Enum.TryParse<OcppErrorCode>(code, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(code[0])
            ? parsed
            : OcppErrorCode.GenericError;
}
