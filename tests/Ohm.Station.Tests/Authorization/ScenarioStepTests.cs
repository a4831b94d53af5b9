using Ohm.Cli;
using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.AuthorizationUseCases;

/// <summary>The scenario steps of block C: a start button (C02) and a token of a given type, a PIN here (C04).</summary>
public sealed class ScenarioStepTests
{
    [Fact]
    public async Task C02_C04_A_scenario_presses_a_start_button_and_enters_a_PIN()
    {
        await using var h = await StationHarness.StartAsync();
        using var output = new StringWriter();
        var scenario = Scenario.Parse("""
            steps:
              - plug: 1
              - button: 1
              - plug: 2
              - auth: { token: "4321", evse: 2, type: KeyCode }
              - button: 1
            expect:
              transactionsStarted: 2
              transactionsEnded: 1
              queueEmpty: true
            """);
        var code = await StationCommand.RunScenarioAsync(h.Options("CS-SCN-C"), scenario, output, CancellationToken.None);
        Assert.True(code == 0, output.ToString());
        var authorize = Assert.Single(h.Csms.Of<AuthorizeRequest>("CS-SCN-C"));
        Assert.Equal(IdTokenEnumType.KeyCode, authorize.IdToken.Type);
        Assert.Contains(h.Csms.Events("CS-SCN-C"), e => e.EventType == TransactionEventEnumType.Started && e.IdToken?.Type == IdTokenEnumType.NoAuthorization);
        Assert.DoesNotContain("4321", output.ToString(), StringComparison.Ordinal);
    }
}
