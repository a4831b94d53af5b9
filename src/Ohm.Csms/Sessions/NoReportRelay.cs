namespace Ohm.Csms.Sessions;

/// <summary>One node's <see cref="IReportRelay"/>: every wait is in this process, so a part no one waits for here is for no one.</summary>
public sealed class NoReportRelay : IReportRelay
{
    /// <inheritdoc/>
    public void Relay(string action, string stationId, string request)
    {
    }
}
