using Ohm.Csms.Cluster;
using Ohm.Csms.Server;

namespace Ohm.Csms.Tests.Cluster;

public sealed class ClusterSettingsTests
{
    [Fact]
    public void A_node_on_SQLite_refuses_cluster_mode_naming_the_settings()
    {
        var folder = Directory.CreateTempSubdirectory("ohm-cluster-settings-").FullName;
        try
        {
            var error = Assert.Throws<ConfigurationException>(() => CsmsHost.Build(
                new Dictionary<string, string?> { ["Cluster:Enabled"] = "true", ["Storage:DataFolder"] = folder, ["Api:Key"] = CsmsTestHostKey },
                folder));
            Assert.Contains("Cluster:Enabled", error.Message, StringComparison.Ordinal);
            Assert.Contains("PostgreSQL", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Wrong_ports_address_and_interval_are_refused_with_the_setting_named()
    {
        var settings = new ClusterSettings { Enabled = true, SiloPort = 0, GatewayPort = 70000, AdvertisedAddress = "node-1", ClusterId = " ", LastSeenSeconds = 0 };
        var errors = settings.Validate("Host=db;Database=ohm").ToList();
        Assert.Contains(errors, e => e.StartsWith("Cluster:SiloPort", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Cluster:GatewayPort", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Cluster:AdvertisedAddress", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Cluster:ClusterId", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Cluster:LastSeenSeconds", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("PostgreSQL", StringComparison.Ordinal));
    }

    [Fact]
    public void Cluster_mode_off_asks_nothing()
    {
        Assert.Empty(new ClusterSettings { SiloPort = 0, AdvertisedAddress = "x" }.Validate(null));
    }

    private const string CsmsTestHostKey = Support.CsmsTestHost.ApiKey;
}
