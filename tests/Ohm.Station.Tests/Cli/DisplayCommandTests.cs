using Ohm.Cli;
using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Cli;

/// <summary>Block O in the console: the <c>display</c> command and the scenario's <c>expect: display</c>.</summary>
public sealed class DisplayCommandTests
{
    [Fact]
    public async Task O01_the_display_command_prints_the_message_on_each_display_and_the_messages_held()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-DISP");
        var set = await h.Csms.Call("CS-DISP", new SetDisplayMessageRequest
        {
            Message = new MessageInfoType { Id = 3, Priority = MessagePriorityEnumType.InFront, Message = new MessageContentType { Format = MessageFormatEnumType.UTF8, Language = "en", Content = "Half price after 20:00" } },
        });
        Assert.Equal(DisplayMessageStatusEnumType.Accepted, set.Status);

        using var output = new StringWriter();
        StationCommand.PrintDisplay(station, output);

        var text = output.ToString();
        Assert.Contains("station: message 3 (InFront): \"Half price after 20:00\"", text, StringComparison.Ordinal);
        Assert.Contains("EVSE 2: message 3 (InFront): \"Half price after 20:00\"", text, StringComparison.Ordinal);
        Assert.Contains("CS-DISP: 1 display message(s) held", text, StringComparison.Ordinal);
        Assert.Contains("3: InFront, UTF8 en: \"Half price after 20:00\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task O01_a_scenario_expects_a_text_some_display_shows_at_the_end_and_fails_when_none_does()
    {
        await using var h = await StationHarness.StartAsync();
        using var output = new StringWriter();
        // The test CSMS answers Authorize without a personal message, so after "Authorized" the EVSE shows the
        // station's TariffFallbackMessage (I04): the last text the driver sees.
        var passes = Scenario.Parse("""
            steps:
              - plug: 1
              - auth: { token: DISP1, evse: 1 }
            expect:
              display: "Tariff: see the operator's website"
            """);
        Assert.True(await StationCommand.RunScenarioAsync(h.Options("CS-DISP-OK"), passes, output, CancellationToken.None) == 0, output.ToString());

        using var failed = new StringWriter();
        var fails = Scenario.Parse("""{ "steps": [], "expect": { "display": "Welcome", "timeoutSeconds": 0.2 } }""");
        Assert.Equal(1, await StationCommand.RunScenarioAsync(h.Options("CS-DISP-NO"), fails, failed, CancellationToken.None));
        Assert.Contains("display: no display shows \"Welcome\"", failed.ToString(), StringComparison.Ordinal);
    }
}
