namespace Ohm.Csms.Sessions;

/// <summary>A call was made to a station that is not connected.</summary>
public sealed class StationNotConnectedException : Exception
{
    /// <summary>Creates the exception for <paramref name="stationId"/>.</summary>
    public StationNotConnectedException(string stationId)
        : base($"Station '{stationId}' is not connected.")
    {
        StationId = stationId;
    }

    /// <summary>Creates the exception.</summary>
    public StationNotConnectedException()
        : this("")
    {
    }

    /// <summary>Creates the exception.</summary>
    public StationNotConnectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        StationId = "";
    }

    /// <summary>The station.</summary>
    public string StationId { get; }
}
