using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Blocks;

/// <summary>Authorization on a fake context: no CSMS, no WebSocket, no ChargingStation; the clock moves when the test says.</summary>
public sealed class AuthorizationBlockTests
{
    private static readonly IdTokenType Known = new() { IdToken = "KNOWN", Type = IdTokenEnumType.ISO14443 };

    [Fact]
    public async Task C10_C12_Offline_the_cached_answer_of_Authorize_holds_until_its_LifeTime_ends()
    {
        using var context = new FakeStationContext(StationHarness.Config(c => c.With("AuthCacheCtrlr", "LifeTime", "60")));
        var authorization = context.Blocks().Authorization;
        context.IsOnline = true;
        context.Answer = _ => new AuthorizeResponse { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted } };
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.AuthorizeAsync(Known));
        Assert.IsType<AuthorizeRequest>(Assert.Single(context.Calls));

        // Offline, LocalAuthorizeOffline (true by default) accepts the cached token without a CALL...
        context.IsOnline = false;
        context.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.AuthorizeAsync(Known));

        // ...until the entry is older than AuthCacheCtrlr.LifeTime: then the token is Unknown.
        context.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(AuthorizationStatusEnumType.Unknown, await authorization.AuthorizeAsync(Known));
        Assert.Single(context.Calls);
    }

    [Fact]
    public async Task C12_Offline_a_token_the_CSMS_blocked_stays_blocked_from_the_cache()
    {
        using var context = new FakeStationContext();
        var authorization = context.Blocks().Authorization;
        context.IsOnline = true;
        context.Answer = _ => new AuthorizeResponse { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Blocked } };
        Assert.Equal(AuthorizationStatusEnumType.Blocked, await authorization.AuthorizeAsync(Known));
        context.IsOnline = false;
        Assert.Equal(AuthorizationStatusEnumType.Blocked, await authorization.AuthorizeAsync(Known));
    }
}
