using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage.Entities;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests.Blocks;

/// <summary>Block C, Authorization, on the CSMS side: tokens answered from the store, with the clock injected.</summary>
public sealed class AuthorizationTests
{
    private static IdTokenType Rfid(string id) => new() { IdToken = id, Type = IdTokenEnumType.ISO14443 };

    private static Task AddTokenAsync(BlockTestBed bed, IdTokenRecord token) =>
        bed.WriteAsync(db =>
        {
            db.IdTokens.Add(token);
            return Task.CompletedTask;
        });

    private static IdTokenRecord Token(string id, AuthorizationStatusEnumType status = AuthorizationStatusEnumType.Accepted) =>
        new() { IdToken = id, Type = IdTokenEnumType.ISO14443, Status = status, CreatedAt = BlockTestBed.T0, UpdatedAt = BlockTestBed.T0 };

    private static async Task<IdTokenInfoType> AuthorizeAsync(BlockTestBed bed, IdTokenType token)
    {
        var station = bed.Sessions.Find("CS-C") ?? bed.Station("CS-C");
        return (await bed.HandleAsync(bed.Authorization.AuthorizeAsync, station, new AuthorizeRequest { IdToken = token })).IdTokenInfo;
    }

    /// <summary>Resolves a token as a TransactionEvent does: at an EVSE, for a transaction.</summary>
    private static async Task<IdTokenInfoType> ResolveAsync(BlockTestBed bed, IdTokenType token, int? evseId, long? transaction = null)
    {
        await using var db = bed.Database.CreateContext();
        return await bed.Authorization.ResolveAsync(() => db, token, evseId, transaction);
    }

    [Fact]
    public async Task C01_an_accepted_token_is_answered_with_its_group_language_personal_message_and_cache_expiry()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var token = Token("RFID-1");
        token.ExpiresAt = BlockTestBed.T0.AddDays(1);
        token.GroupIdToken = "FLEET-7";
        token.GroupIdTokenType = IdTokenEnumType.Central;
        token.Language = "nl";
        token.PersonalMessage = "Welkom";
        await AddTokenAsync(bed, token);

        var info = await AuthorizeAsync(bed, Rfid("RFID-1"));

        Assert.Equal(AuthorizationStatusEnumType.Accepted, info.Status);
        Assert.Equal(BlockTestBed.T0.AddDays(1), info.CacheExpiryDateTime);
        Assert.Equal(("FLEET-7", IdTokenEnumType.Central), (info.GroupIdToken!.IdToken, info.GroupIdToken.Type));
        Assert.Equal("nl", info.Language1);
        Assert.Equal(("Welkom", "nl", MessageFormatEnumType.UTF8), (info.PersonalMessage!.Content, info.PersonalMessage.Language, info.PersonalMessage.Format));
        Assert.Null(info.EvseId);
    }

    [Fact]
    public async Task C01_a_group_token_without_a_stored_type_is_answered_as_Central()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var token = Token("RFID-G");
        token.GroupIdToken = "GROUP";
        await AddTokenAsync(bed, token);
        var info = await AuthorizeAsync(bed, Rfid("RFID-G"));
        Assert.Equal(("GROUP", IdTokenEnumType.Central), (info.GroupIdToken!.IdToken, info.GroupIdToken.Type));
    }

    [Fact]
    public async Task C01_a_token_not_in_the_store_is_Unknown_and_the_type_is_part_of_its_identity()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await AddTokenAsync(bed, Token("RFID-2"));

        Assert.Equal(AuthorizationStatusEnumType.Unknown, (await AuthorizeAsync(bed, Rfid("RFID-404"))).Status);
        Assert.Equal(AuthorizationStatusEnumType.Unknown, (await AuthorizeAsync(bed, new IdTokenType { IdToken = "RFID-2", Type = IdTokenEnumType.Central })).Status);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await AuthorizeAsync(bed, Rfid("RFID-2"))).Status);
    }

    [Theory]
    [InlineData("Blocked")]
    [InlineData("Invalid")]
    [InlineData("NoCredit")]
    [InlineData("NotAllowedTypeEVSE")]
    public async Task C01_a_token_stored_with_another_status_is_answered_with_it_even_past_its_expiry(string status)
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var token = Token("RFID-S", AuthorizationStatusEnumTypeSchema.FromWire(status));
        token.ExpiresAt = BlockTestBed.T0.AddHours(-1);
        await AddTokenAsync(bed, token);

        Assert.Equal(AuthorizationStatusEnumTypeSchema.FromWire(status), (await AuthorizeAsync(bed, Rfid("RFID-S"))).Status);
    }

    [Fact]
    public async Task C01_a_token_is_Expired_from_the_moment_the_CSMS_clock_reaches_its_expiry()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var token = Token("RFID-E");
        token.ExpiresAt = BlockTestBed.T0.AddHours(1);
        await AddTokenAsync(bed, token);

        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await AuthorizeAsync(bed, Rfid("RFID-E"))).Status);
        bed.Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await AuthorizeAsync(bed, Rfid("RFID-E"))).Status);
        bed.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var expired = await AuthorizeAsync(bed, Rfid("RFID-E"));
        Assert.Equal(AuthorizationStatusEnumType.Expired, expired.Status);
        Assert.Equal(BlockTestBed.T0.AddHours(1), expired.CacheExpiryDateTime);
    }

    [Fact]
    public async Task C01_a_change_to_a_token_saved_through_the_writer_is_answered_at_once()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await AddTokenAsync(bed, Token("RFID-B"));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await AuthorizeAsync(bed, Rfid("RFID-B"))).Status);

        await bed.WriteAsync(async db => (await db.IdTokens.SingleAsync(t => t.IdToken == "RFID-B")).Status = AuthorizationStatusEnumType.Blocked);
        Assert.Equal(AuthorizationStatusEnumType.Blocked, (await AuthorizeAsync(bed, Rfid("RFID-B"))).Status);

        await bed.WriteAsync(async db => db.IdTokens.Remove(await db.IdTokens.SingleAsync(t => t.IdToken == "RFID-B")));
        Assert.Equal(AuthorizationStatusEnumType.Unknown, (await AuthorizeAsync(bed, Rfid("RFID-B"))).Status);
    }

    [Fact]
    public async Task C01_NoAuthorization_is_accepted_without_a_stored_token()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var info = await AuthorizeAsync(bed, new IdTokenType { IdToken = "", Type = IdTokenEnumType.NoAuthorization });
        Assert.Equal(AuthorizationStatusEnumType.Accepted, info.Status);
    }

    [Fact]
    public async Task C01_a_token_limited_to_some_EVSEs_lists_them_and_is_NotAtThisLocation_at_another()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var token = Token("RFID-L");
        token.AllowedEvses = "1, 3";
        await AddTokenAsync(bed, token);

        var authorize = await AuthorizeAsync(bed, Rfid("RFID-L"));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, authorize.Status);
        Assert.Equal([1, 3], authorize.EvseId!);

        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await ResolveAsync(bed, Rfid("RFID-L"), evseId: 3)).Status);
        var elsewhere = await ResolveAsync(bed, Rfid("RFID-L"), evseId: 2);
        Assert.Equal(AuthorizationStatusEnumType.NotAtThisLocation, elsewhere.Status);
        Assert.Equal([1, 3], elsewhere.EvseId!);
    }

    [Fact]
    public async Task C01_a_token_with_an_active_transaction_is_ConcurrentTx_except_for_that_transaction_or_when_allowed()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await AddTokenAsync(bed, Token("RFID-C"));
        var shared = Token("RFID-SHARED");
        shared.AllowConcurrentTx = true;
        await AddTokenAsync(bed, shared);
        var active = new TransactionRecord { StationId = "CS-OTHER", TransactionId = "tx-active", IdToken = "RFID-C", IdTokenType = "ISO14443", State = "Active" };
        await bed.WriteAsync(db =>
        {
            db.Transactions.Add(active);
            db.Transactions.Add(new TransactionRecord { StationId = "CS-OTHER", TransactionId = "tx-shared", IdToken = "RFID-SHARED", IdTokenType = "ISO14443", State = "Active" });
            db.Transactions.Add(new TransactionRecord { StationId = "CS-OTHER", TransactionId = "tx-old", IdToken = "RFID-SHARED", IdTokenType = "ISO14443", State = "Ended" });
            return Task.CompletedTask;
        });

        Assert.Equal(AuthorizationStatusEnumType.ConcurrentTx, (await AuthorizeAsync(bed, Rfid("RFID-C"))).Status);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await ResolveAsync(bed, Rfid("RFID-C"), evseId: 1, transaction: active.Id)).Status);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await AuthorizeAsync(bed, Rfid("RFID-SHARED"))).Status);

        await bed.WriteAsync(async db => (await db.Transactions.SingleAsync(t => t.TransactionId == "tx-active")).State = "Ended");
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await AuthorizeAsync(bed, Rfid("RFID-C"))).Status);
    }
}
