using Bunit;
using MudBlazor;
using Ohm.Csms.Console.Components.Commands;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Console.Tests.Pages;

public sealed class CommandPanelTests : BunitContext, IAsyncLifetime
{
    private StationsTestBed _bed = default!;

    public async Task InitializeAsync()
    {
        _bed = await StationsTestBed.CreateAsync();
        _bed.AddTo(this);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _bed.DisposeAsync();
    }

    private IRenderedComponent<CommandPanel> RenderReset(string role = "Operator")
    {
        AddAuthorization().SetAuthorized("alice").SetRoles(role);
        StationsTestBed.Interactive(this);
        Render<MudPopoverProvider>();
        return Render<CommandPanel>(p => p.Add(c => c.StationId, "CS1").Add(c => c.InitialCommand, "Reset"));
    }

    [Fact]
    public void A_reset_shows_the_stations_answer()
    {
        _bed.Router.Answer = _ => new ResetResponse { Status = ResetStatusEnumType.Scheduled };
        var panel = RenderReset();

        panel.Find("button[data-testid=command-send]").Click();

        panel.WaitForAssertion(() => Assert.Equal("Scheduled", panel.Find("[data-testid=command-result]").TextContent.Trim()));
        var sent = Assert.IsType<ResetRequest>(Assert.Single(_bed.Router.Sent));
        Assert.Equal(ResetEnumType.Immediate, sent.Type);
        Assert.Contains("\"status\":\"Scheduled\"", panel.Find("[data-testid=command-response]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_callerror_shows_its_code_and_description()
    {
        _bed.Router.Answer = _ => throw new OcppCallErrorException("Reset", OcppErrorCode.NotSupported, "no reset here");
        var panel = RenderReset();

        panel.Find("button[data-testid=command-send]").Click();

        panel.WaitForAssertion(() => Assert.Contains("CALLERROR: NotSupported: no reset here", panel.Find("[data-testid=command-result]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void A_timeout_says_the_station_did_not_answer_within_the_configured_time()
    {
        _bed.Router.Answer = _ => throw new OcppCallTimeoutException("no answer");
        var panel = RenderReset();

        panel.Find("button[data-testid=command-send]").Click();

        panel.WaitForAssertion(() => Assert.Contains("did not answer within 7 s", panel.Find("[data-testid=command-result]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void An_offline_station_is_said_to_be_not_connected()
    {
        var panel = RenderReset();

        panel.Find("button[data-testid=command-send]").Click();

        panel.WaitForAssertion(() => Assert.Contains("not connected", panel.Find("[data-testid=command-result]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void A_viewer_gets_no_send_button()
    {
        var panel = RenderReset("Viewer");

        Assert.Empty(panel.FindAll("[data-testid=command-send]"));
        Assert.NotNull(panel.Find("[data-testid=commands-viewer]"));
    }
}
