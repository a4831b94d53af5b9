using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Storage;

/// <summary>
/// The other processes whose <see cref="IdTokenCache"/> must forget a token changed here (the nodes of a cluster). One
/// process has none; a cluster sets them on its cache (<see cref="IdTokenCache.Peers"/>).
/// </summary>
public interface IIdTokenCachePeers
{
    /// <summary>
    /// Tells every peer to forget <paramref name="tokens"/>, and completes when each has acknowledged it or has not
    /// answered in a bounded time (logged). Never throws.
    /// </summary>
    Task EvictAsync(IReadOnlyCollection<(string IdToken, IdTokenEnumType Type)> tokens);
}
