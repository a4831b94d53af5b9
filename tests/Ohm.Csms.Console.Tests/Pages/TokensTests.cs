using Bunit;
using Ohm.Csms.Accounts;
using Ohm.Csms.Console.Pages;
using Ohm.Csms.Console.Tests.Support;
using Ohm.Csms.Queries;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Console.Tests.Pages;

/// <summary>The id-token store's page: list, add, change, delete through the API's own store, its validation shown.</summary>
public sealed class TokensTests
{
    // A MudTextField puts its data-testid on the input or on its wrapper, depending on the version.
    private static AngleSharp.Dom.IElement Input(IRenderedComponent<Tokens> cut, string testId)
    {
        var element = cut.Find($"[data-testid={testId}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    [Fact]
    public async Task An_operator_adds_a_token_changes_its_status_and_sees_the_stores_validation_error()
    {
        await using var store = await TransactionTestStore.CreateAsync();
        await using var ctx = store.Context(OperatorRole.Operator);
        var cut = ctx.Render<Tokens>();
        cut.WaitForElement("[data-testid=no-tokens]");

        cut.Find("[data-testid=token-add]").Click();
        Input(cut, "token-idtoken").Change("RFID-0001");
        cut.Find("[data-testid=token-save]").Click();
        // The save has ended when its message shows (the table's first load can show the new row before that).
        cut.WaitForAssertion(() => Assert.Equal("Saved ISO14443 token 'RFID-0001'.", cut.Find("[data-testid=token-message]").TextContent));
        cut.WaitForAssertion(() => Assert.Equal("RFID-0001", cut.Find("[data-testid=token-row]").TextContent));
        var stored = Assert.Single((await store.Tokens.SearchAsync(null, 0, 10, CancellationToken.None)).Items);
        Assert.Equal((IdTokenEnumType.ISO14443, AuthorizationStatusEnumType.Accepted), (stored.Type, stored.Status));

        await store.Tokens.UpdateAsync(stored.Id, new IdTokenBody { Status = AuthorizationStatusEnumType.Blocked }, CancellationToken.None);
        cut.Find("[data-testid=token-add]").Click();
        Input(cut, "token-idtoken").Change(new string('x', 37));
        cut.Find("[data-testid=token-save]").Click();
        cut.WaitForAssertion(() => Assert.Equal("idToken: is at most 36 characters long", cut.Find("[data-testid=token-error]").TextContent));

        cut.Find("[data-testid=token-add]").Click();
        Input(cut, "token-idtoken").Change("RFID-0001");
        cut.Find("[data-testid=token-save]").Click();
        cut.WaitForAssertion(() => Assert.Contains("is in the store already", cut.Find("[data-testid=token-error]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_operator_deletes_a_token_and_edits_another()
    {
        await using var store = await TransactionTestStore.CreateAsync();
        await store.Tokens.CreateAsync(new IdTokenCreation { IdToken = "GONE", Type = IdTokenEnumType.ISO14443 }, CancellationToken.None);
        await store.Tokens.CreateAsync(new IdTokenCreation { IdToken = "KEPT", Type = IdTokenEnumType.Central }, CancellationToken.None);
        await using var ctx = store.Context(OperatorRole.Operator);
        var cut = ctx.Render<Tokens>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=token-row]").Count));

        cut.FindAll("[data-testid=token-delete]")[0].Click();
        cut.WaitForAssertion(() => Assert.Equal("Removed ISO14443 token 'GONE'.", cut.Find("[data-testid=token-message]").TextContent));
        cut.WaitForAssertion(() => Assert.Equal("KEPT", Assert.Single(cut.FindAll("[data-testid=token-row]")).TextContent));

        cut.Find("[data-testid=token-edit]").Click();
        cut.WaitForElement("[data-testid=token-editor]");
        Input(cut, "token-group").Change("GROUP-7");
        cut.Find("[data-testid=token-save]").Click();
        cut.WaitForElement("[data-testid=token-message]");
        Assert.Equal("GROUP-7", Assert.Single((await store.Tokens.SearchAsync("GROUP", 0, 10, CancellationToken.None)).Items).GroupIdToken);
    }

    [Fact]
    public async Task A_viewer_sees_the_store_read_only()
    {
        await using var store = await TransactionTestStore.CreateAsync();
        await store.Tokens.CreateAsync(new IdTokenCreation { IdToken = "SEEN", Type = IdTokenEnumType.ISO14443 }, CancellationToken.None);
        await using var ctx = store.Context(OperatorRole.Viewer);
        var cut = ctx.Render<Tokens>();

        cut.WaitForAssertion(() => Assert.Equal("SEEN", cut.Find("[data-testid=token-row]").TextContent));
        cut.Find("[data-testid=read-only]");
        Assert.Empty(cut.FindAll("[data-testid=token-add]"));
        Assert.Empty(cut.FindAll("[data-testid=token-delete]"));
        Assert.Empty(cut.FindAll("[data-testid=token-edit]"));
    }
}
