using Bunit;
using MudBlazor;
using Ohm.Csms.Console.Components.Station;
using Ohm.Csms.Queries;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Console.Tests.Pages;

public sealed class DeviceModelTreeTests : BunitContext, IAsyncLifetime
{
    private static readonly DeviceModelView Model = new("CS1", 3,
    [
        new ComponentView("EVSE", null, 1, null, [new VariableView("Power", null, [new AttributeView("Actual", "11000", "ReadOnly", null, null)], new CharacteristicsView("decimal", "W", 0, 22000, null, true))]),
        new ComponentView("OCPPCommCtrlr", null, null, null,
        [
            new VariableView("HeartbeatInterval", null, [new AttributeView("Actual", "300", "ReadWrite", true, false)], new CharacteristicsView("integer", "s", null, null, null, null)),
            new VariableView("NetworkProfileConnectionAttempts", null, [new AttributeView("Actual", "3", "ReadOnly", null, null)], null),
        ]),
    ]);

    private StationsTestBed _bed = default!;

    public async Task InitializeAsync()
    {
        _bed = await StationsTestBed.CreateAsync();
        _bed.AddTo(this);
        await using var db = _bed.Database.CreateContext();
        db.Stations.Add(new StationRecord { Id = "CS1", CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _bed.DisposeAsync();
    }

    private IRenderedComponent<DeviceModelTree> RenderModel(bool canEdit, Action? changed = null)
    {
        AddAuthorization().SetAuthorized("alice").SetRoles(canEdit ? "Operator" : "Viewer");
        StationsTestBed.Interactive(this);
        Render<MudPopoverProvider>();
        return Render<DeviceModelTree>(p => p.Add(c => c.Model, Model).Add(c => c.CanEdit, canEdit).Add(c => c.Changed, () => changed?.Invoke()));
    }

    [Fact]
    public void The_search_opens_the_components_whose_variables_match_and_shows_attributes_mutability_and_characteristics()
    {
        var tree = RenderModel(canEdit: false);
        Assert.Equal(2, tree.FindAll("[data-testid=component-node]").Count);
        Assert.Empty(tree.FindAll("tr[data-testid^=attribute-]")); // collapsed

        tree.Find("input[data-testid=device-model-search], [data-testid=device-model-search] input").Input("heartbeat");

        var row = tree.WaitForElement("tr[data-testid='attribute-OCPPCommCtrlr.HeartbeatInterval.Actual']");
        Assert.Single(tree.FindAll("[data-testid=component-node]"));
        Assert.Contains("300", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("ReadWrite", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("integer, s", row.TextContent, StringComparison.Ordinal);
        Assert.Empty(tree.FindAll("[data-testid=edit]")); // a viewer edits nothing
    }

    [Fact]
    public void An_operator_edits_a_readwrite_value_which_is_sent_with_set_variables_and_shows_the_result()
    {
        _bed.Router.Answer = r => r switch
        {
            // The station's ItemsPerMessage/BytesPerMessage, asked before the first SetVariables: unknown here.
            GetVariablesRequest get => new GetVariablesResponse
            {
                GetVariableResult = [.. get.GetVariableData.Select(d => new GetVariableResultType { AttributeStatus = GetVariableStatusEnumType.UnknownVariable, Component = d.Component, Variable = d.Variable })],
            },
            SetVariablesRequest set => new SetVariablesResponse
            {
                SetVariableResult = [.. set.SetVariableData.Select(d => new SetVariableResultType { AttributeStatus = SetVariableStatusEnumType.Accepted, AttributeType = d.AttributeType, Component = d.Component, Variable = d.Variable })],
            },
            _ => throw new InvalidOperationException(r.GetType().Name),
        };
        var changed = 0;
        var tree = RenderModel(canEdit: true, () => changed++);
        tree.Find("button[data-testid='component-OCPPCommCtrlr']").Click();
        Assert.Single(tree.FindAll("[data-testid=edit]")); // only the ReadWrite attribute

        tree.Find("[data-testid='attribute-OCPPCommCtrlr.HeartbeatInterval.Actual'] button[data-testid=edit]").Click();
        tree.Find("input[data-testid=edit-value], [data-testid=edit-value] input").Input("60");
        tree.Find("button[data-testid=save-value]").Click();

        tree.WaitForAssertion(() => Assert.Equal("Accepted", tree.Find("[data-testid=set-result]").TextContent.Trim()), TimeSpan.FromSeconds(5));
        var sent = Assert.Single(_bed.Router.Sent.OfType<SetVariablesRequest>());
        var data = Assert.Single(sent.SetVariableData);
        Assert.Equal(("OCPPCommCtrlr", "HeartbeatInterval", "60", AttributeEnumType.Actual), (data.Component.Name, data.Variable.Name, data.AttributeValue, data.AttributeType!.Value));
        Assert.Equal(1, changed);
    }
}
