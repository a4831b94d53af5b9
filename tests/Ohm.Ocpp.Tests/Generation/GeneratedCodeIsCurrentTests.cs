using Ohm.Ocpp.Generator;

namespace Ohm.Ocpp.Tests.Generation;

public sealed class GeneratedCodeIsCurrentTests
{
    [Fact]
    public void Committed_messages_equal_what_the_generator_writes_from_the_schemas()
    {
        var root = RepositoryRoot.Find(AppContext.BaseDirectory);
        var expected = MessageGenerator.Generate(Path.Combine(root, "schemas", "ocpp2.0.1"));
        var folder = Path.Combine(root, "src", "Ohm.Ocpp", "Messages");
        var committed = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);

        var stale = expected.Where(e => !committed.TryGetValue(e.Key, out var text) || text != e.Value).Select(e => e.Key)
            .Concat(committed.Keys.Where(k => !expected.ContainsKey(k)))
            .ToList();
        Assert.True(stale.Count == 0, "Stale generated files (run `dotnet run --project src/Ohm.Ocpp.Generator`): " + string.Join(", ", stale));
    }

    [Fact]
    public void The_action_table_holds_all_64_actions_with_their_senders()
    {
        Assert.Equal(64, Messages.OcppActions.All.Count);
        Assert.Equal(24, Messages.OcppActions.All.Count(a => a.Sender == OcppRole.ChargingStation));
        Assert.Equal(39, Messages.OcppActions.All.Count(a => a.Sender == OcppRole.Csms));
        Assert.Equal(OcppRole.ChargingStation | OcppRole.Csms, Messages.OcppActions.DataTransfer.Sender);
        Assert.Same(Messages.OcppActions.Heartbeat, Messages.OcppActions.Find("Heartbeat"));
        Assert.Null(Messages.OcppActions.Find("heartbeat"));
    }
}
