using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests;

/// <summary>The id-token cache on the injected clock: another process's change is seen once an entry's lifetime passes.</summary>
public sealed class IdTokenCacheTests
{
    [Fact]
    public async Task C01_a_cached_token_is_read_again_from_the_store_once_its_lifetime_has_passed_on_the_clock()
    {
        var clock = new FakeTimeProvider();
        var cache = new IdTokenCache { Clock = clock };
        var loads = 0;
        Task<IdTokenRecord?> Load()
        {
            loads++;
            return Task.FromResult<IdTokenRecord?>(new IdTokenRecord { IdToken = "T1", Type = IdTokenEnumType.ISO14443 });
        }

        await cache.FindAsync("T1", IdTokenEnumType.ISO14443, Load);
        clock.Advance(IdTokenCache.Lifetime - TimeSpan.FromSeconds(1));
        await cache.FindAsync("T1", IdTokenEnumType.ISO14443, Load);
        Assert.Equal(1, loads);

        clock.Advance(TimeSpan.FromSeconds(1));
        await cache.FindAsync("T1", IdTokenEnumType.ISO14443, Load);
        Assert.Equal(2, loads);
    }
}
