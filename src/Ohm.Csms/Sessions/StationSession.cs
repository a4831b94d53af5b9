using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Sessions;

/// <summary>
/// The live state of one connected station: its connection and its registration state. The single owner of that
/// state; the connection serves the station's CALLs one at a time, in order.
/// </summary>
public sealed class StationSession
{
    private readonly HashSet<string> _triggered = new(StringComparer.Ordinal);
    private StationTransactions? _transactions;
    private string? _registrationStatus;
    private ITimer? _bootDeadline;

    internal StationSession(string stationId, OcppConnection connection, string? registrationStatus, int securityProfile, DateTimeOffset connectedAt)
    {
        StationId = stationId;
        Connection = connection;
        _registrationStatus = registrationStatus;
        SecurityProfile = securityProfile;
        ConnectedAt = connectedAt;
    }

    public string StationId { get; }

    public OcppConnection Connection { get; }

    /// <summary>How the last BootNotification was answered (Accepted, Pending, Rejected); null before any.</summary>
    public string? RegistrationStatus
    {
        get => _registrationStatus;
        internal set
        {
            _registrationStatus = value;
            BootReceived = true;
            DisarmBootDeadline();
        }
    }

    /// <summary>Whether the station has sent a BootNotification on this connection.</summary>
    internal bool BootReceived { get; private set; }

    /// <summary>Whether the boot deadline's timer is armed (it is armed just after the session opens).</summary>
    internal bool BootDeadlineArmed
    {
        get
        {
            lock (_triggered)
            {
                return _bootDeadline is not null;
            }
        }
    }

    /// <summary>Arms the timer that closes the connection when no BootNotification comes first (Csms:BootDeadlineSeconds).</summary>
    internal void ArmBootDeadline(ITimer timer)
    {
        lock (_triggered)
        {
            _bootDeadline = timer;
        }
    }

    /// <summary>Stops the boot deadline: the station booted, or the connection closed.</summary>
    internal void DisarmBootDeadline()
    {
        ITimer? timer;
        lock (_triggered)
        {
            timer = _bootDeadline;
            _bootDeadline = null;
        }

        timer?.Dispose();
    }

    public int SecurityProfile { get; }

    public DateTimeOffset ConnectedAt { get; }

    /// <summary>When the station last sent a message (Heartbeat or any other); kept in memory, stored at disconnect.</summary>
    public DateTimeOffset? LastSeenAt { get; internal set; }

    /// <summary>Why this CSMS closed the connection, when it did (one of <see cref="CloseReasons"/>), for the metrics.</summary>
    internal string? CloseReason { get; set; }

    /// <summary>The id of this connection's history row, once written.</summary>
    internal Task<long> ConnectionRecorded { get; set; } = Task.FromResult(0L);

    /// <summary>The station's open transactions as stored, made on its first TransactionEvent (block E).</summary>
    public StationTransactions Transactions => LazyInitializer.EnsureInitialized(ref _transactions);

    /// <summary>Whether the station may send any message (B02.FR.09, B03.FR.07).</summary>
    public bool IsAccepted => RegistrationStatus == "Accepted";

    /// <summary>Allows one message of <paramref name="action"/> while not accepted: the CSMS triggered it (F06).</summary>
    public void AllowTriggered(string action)
    {
        lock (_triggered)
        {
            _triggered.Add(action);
        }
    }

    /// <summary>Whether a message of <paramref name="action"/> was triggered, consuming the allowance.</summary>
    public bool ConsumeTriggered(string action)
    {
        lock (_triggered)
        {
            return _triggered.Remove(action);
        }
    }
}
