namespace Ohm.Csms.Campaigns;

/// <summary>
/// The place a campaign runs could not be reached (in a cluster: its grain's node is dead but not yet declared so, or its
/// silo is stopping). Nothing was changed; the operator may try again. The API answers it as 503.
/// </summary>
public sealed class CampaignUnreachableException : Exception
{
    /// <summary>An empty one.</summary>
    public CampaignUnreachableException()
    {
    }

    /// <summary>One with a message.</summary>
    public CampaignUnreachableException(string message)
        : base(message)
    {
    }

    /// <summary>One with a message and its cause.</summary>
    public CampaignUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
