using Ohm.Ocpp.Validation;

namespace Ohm.Ocpp.Rpc;

/// <summary>The peer answered a CALL with a CALLERROR.</summary>
public sealed class OcppCallErrorException : Exception
{
    /// <summary>Creates the exception for a received CALLERROR.</summary>
    public OcppCallErrorException(string action, OcppErrorCode code, string description)
        : base($"{action} was answered with {code.ToWire()}: {description}")
    {
        Action = action;
        Code = code;
        Description = description;
    }

    /// <summary>Creates an exception with a message.</summary>
    public OcppCallErrorException()
        : this("", OcppErrorCode.GenericError, "")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public OcppCallErrorException(string message)
        : base(message)
    {
        Action = "";
        Description = message;
    }

    /// <summary>Creates an exception with a message and inner exception.</summary>
    public OcppCallErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Action = "";
        Description = message;
    }

    /// <summary>The action that was called.</summary>
    public string Action { get; }

    /// <summary>The error code of the CALLERROR.</summary>
    public OcppErrorCode Code { get; }

    /// <summary>The error description of the CALLERROR.</summary>
    public string Description { get; }
}

/// <summary>A payload broke its schema: an outgoing one (never sent) or a received response (not used).</summary>
public sealed class OcppPayloadException : Exception
{
    /// <summary>Creates the exception for a schema violation.</summary>
    public OcppPayloadException(string action, OcppValidationError error)
        : base($"{action}: {error}")
    {
        Error = error;
    }

    /// <summary>Creates an exception with a message.</summary>
    public OcppPayloadException()
        : this("")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public OcppPayloadException(string message)
        : base(message)
    {
        Error = new OcppValidationError(OcppErrorCode.GenericError, "", message);
    }

    /// <summary>Creates an exception with a message and inner exception.</summary>
    public OcppPayloadException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new OcppValidationError(OcppErrorCode.GenericError, "", message);
    }

    /// <summary>The violation.</summary>
    public OcppValidationError Error { get; }
}

/// <summary>The connection closed before the CALL was answered, or was closed when the CALL was made.</summary>
public sealed class OcppConnectionClosedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OcppConnectionClosedException()
        : base("The OCPP connection is closed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public OcppConnectionClosedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and inner exception.</summary>
    public OcppConnectionClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The peer did not answer a CALL within the call timeout.</summary>
public sealed class OcppCallTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public OcppCallTimeoutException()
        : base("The CALL was not answered in time.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public OcppCallTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and inner exception.</summary>
    public OcppCallTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
