namespace Ohm.Csms.Server.Health;

/// <summary>Settings of the health checks and of the metrics that read the database (section <c>Health</c>).</summary>
public sealed class HealthOptions
{
    /// <summary>Seconds the database probe may take before the database counts as down. Default 5.</summary>
    public double DatabaseTimeoutSeconds { get; set; } = 5;

    /// <summary>Seconds the TCP connect to the OCPP listener may take. Default 2.</summary>
    public double ListenerTimeoutSeconds { get; set; } = 2;

    /// <summary>The writer is Degraded when its oldest pending write is older than this, in seconds. Default 5.</summary>
    public double WriterDegradedSeconds { get; set; } = 5;

    /// <summary>The writer is Unhealthy (not ready) when its oldest pending write is older than this, in seconds. Default 30.</summary>
    public double WriterUnhealthySeconds { get; set; } = 30;

    /// <summary>Seconds between two reads of the active transactions for the metrics (ohm.csms.transactions.active). Default 15.</summary>
    public double ActiveTransactionsRefreshSeconds { get; set; } = 15;

    /// <summary>Checks the values and names the bad settings.</summary>
    public IEnumerable<string> Validate()
    {
        if (DatabaseTimeoutSeconds is <= 0 or > 300)
        {
            yield return $"Health:DatabaseTimeoutSeconds must be more than 0 and at most 300 (is {DatabaseTimeoutSeconds}).";
        }

        if (ListenerTimeoutSeconds is <= 0 or > 300)
        {
            yield return $"Health:ListenerTimeoutSeconds must be more than 0 and at most 300 (is {ListenerTimeoutSeconds}).";
        }

        if (WriterDegradedSeconds <= 0 || WriterUnhealthySeconds < WriterDegradedSeconds)
        {
            yield return $"Health:WriterDegradedSeconds must be more than 0 and Health:WriterUnhealthySeconds at least as much (are {WriterDegradedSeconds} and {WriterUnhealthySeconds}).";
        }

        if (ActiveTransactionsRefreshSeconds is < 1 or > 3600)
        {
            yield return $"Health:ActiveTransactionsRefreshSeconds must be between 1 and 3600 (is {ActiveTransactionsRefreshSeconds}).";
        }
    }
}
