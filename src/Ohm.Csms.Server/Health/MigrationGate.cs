namespace Ohm.Csms.Server.Health;

/// <summary>
/// Closed until <see cref="CsmsHost.StartAsync"/> has applied the database migrations. While it is closed the host
/// listens (liveness answers) but is not ready: the readiness check fails, the OCPP endpoint and the API answer 503.
/// </summary>
public sealed class MigrationGate
{
    private volatile bool _open;

    /// <summary>Whether the migrations are done.</summary>
    public bool IsOpen => _open;

    internal void Open() => _open = true;
}
