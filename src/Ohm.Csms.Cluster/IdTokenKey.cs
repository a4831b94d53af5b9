using Ohm.Ocpp.Messages;
using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>An id token as the caches key it (its value and type), as it crosses the nodes.</summary>
/// <param name="IdToken">The token's value.</param>
/// <param name="Type">Its <see cref="IdTokenEnumType"/>, as a number.</param>
[GenerateSerializer]
[Immutable]
public sealed record IdTokenKey([property: Id(0)] string IdToken, [property: Id(1)] int Type)
{
    /// <summary>The key of a token.</summary>
    public static IdTokenKey Of((string IdToken, IdTokenEnumType Type) token) => new(token.IdToken, (int)token.Type);

    /// <summary>The cache's key.</summary>
    public (string IdToken, IdTokenEnumType Type) ToCacheKey() => (IdToken, (IdTokenEnumType)Type);
}
