namespace Ohm.Csms.Sessions;

/// <summary>The nodes of a CSMS that is not a cluster: itself, with the stations connected to it.</summary>
public sealed class LocalCsmsNodes(StationSessions sessions) : ICsmsNodes
{
    /// <summary>The name of the one node.</summary>
    public const string LocalName = "local";

    /// <inheritdoc/>
    public Task<IReadOnlyList<CsmsNode>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CsmsNode>>([new CsmsNode(LocalName, null, CsmsNodeStatus.Active, true, sessions.Count)]);
}
