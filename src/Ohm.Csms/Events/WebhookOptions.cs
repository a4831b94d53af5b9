namespace Ohm.Csms.Events;

/// <summary>Settings of webhook delivery (section <c>Csms:Webhooks</c> of the configuration).</summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// Whether this process delivers the outbox. Off, rows are still written (with the events) and wait for a process that
    /// delivers them: a node that must not deliver, or maintenance. Default on.
    /// </summary>
    public bool Deliver { get; set; } = true;

    /// <summary>Seconds before the first retry of a failed delivery; each further retry waits twice as long, up to <see cref="MaxRetrySeconds"/>. Default 5.</summary>
    public int FirstRetrySeconds { get; set; } = 5;

    /// <summary>The longest wait between two attempts, in seconds. Default 900.</summary>
    public int MaxRetrySeconds { get; set; } = 900;

    /// <summary>Attempts after which a delivery is given up (Failed) and the webhook's next rows go on. Default 100.</summary>
    public int MaxAttempts { get; set; } = 100;

    /// <summary>Seconds one POST may take before it counts as failed. Default 10.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Checks the values and names the first bad setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (FirstRetrySeconds is < 1 or > 86400)
        {
            yield return $"Csms:Webhooks:FirstRetrySeconds must be between 1 and 86400 (is {FirstRetrySeconds}).";
        }

        if (MaxRetrySeconds < FirstRetrySeconds || MaxRetrySeconds > 86400)
        {
            yield return $"Csms:Webhooks:MaxRetrySeconds must be between FirstRetrySeconds and 86400 (is {MaxRetrySeconds}).";
        }

        if (MaxAttempts is < 1 or > 10000)
        {
            yield return $"Csms:Webhooks:MaxAttempts must be between 1 and 10000 (is {MaxAttempts}).";
        }

        if (TimeoutSeconds is < 1 or > 300)
        {
            yield return $"Csms:Webhooks:TimeoutSeconds must be between 1 and 300 (is {TimeoutSeconds}).";
        }
    }

    /// <summary>The wait after the given number of failed attempts.</summary>
    public TimeSpan RetryAfter(int attempts)
    {
        var seconds = (double)FirstRetrySeconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxRetrySeconds));
    }
}
