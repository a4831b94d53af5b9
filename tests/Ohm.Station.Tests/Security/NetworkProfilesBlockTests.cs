using Ohm.Ocpp.Messages;
using Ohm.Station.Blocks;
using Ohm.Station.DeviceModel;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Security;

/// <summary>B09, B10 and A05 on a fake context: SetNetworkProfile's checks, the slots, the priority order and the fallback.</summary>
public sealed class NetworkProfilesBlockTests
{
    private static readonly Uri Start = new("ws://127.0.0.1:9000/ocpp");

    private static (NetworkProfiles Profiles, SecurityEvents Events) Build(FakeStationContext context, string? password = "start-password-00001")
    {
        var events = new SecurityEvents(context);
        var profiles = new NetworkProfiles(context, new StationOptions { Endpoint = Start, StationId = "CS-NP", Password = password }, events)
        {
            MissingCertificates = profile => profile == 3 ? "no ChargingStationCertificate" : null,
        };
        return (profiles, events);
    }

    private static SetNetworkProfileRequest Request(int slot, string url, int securityProfile) => new()
    {
        ConfigurationSlot = slot,
        ConnectionData = new NetworkConnectionProfileType
        {
            OcppVersion = OCPPVersionEnumType.OCPP20,
            OcppTransport = OCPPTransportEnumType.JSON,
            OcppCsmsUrl = url,
            MessageTimeout = 30,
            SecurityProfile = securityProfile,
            OcppInterface = OCPPInterfaceEnumType.Wired0,
        },
    };

    private static string Set(NetworkProfiles profiles, SetNetworkProfileRequest request)
    {
        var response = profiles.SetNetworkProfile(request, null!, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return response.Status == SetNetworkProfileStatusEnumType.Accepted ? "Accepted" : $"{response.Status}:{response.StatusInfo?.ReasonCode}";
    }

    [Fact]
    public void B09_The_start_profile_is_slot_0_until_the_CSMS_sets_profiles()
    {
        using var context = new FakeStationContext();
        var (profiles, _) = Build(context);
        Assert.Equal(new ConnectionTarget(Start, 1, "start-password-00001", 0), profiles.Current());
    }

    [Fact]
    public void B09_SetNetworkProfile_is_validated_slot_url_scheme_version_and_messageTimeout()
    {
        using var context = new FakeStationContext();
        var (profiles, _) = Build(context);
        Assert.Equal("Rejected:InvalidConfSlot", Set(profiles, Request(7, "ws://csms.example/ocpp", 1)));
        Assert.Equal("Rejected:InvalidURL", Set(profiles, Request(1, "http://csms.example/ocpp", 1)));
        Assert.Equal("Rejected:InvalidURL", Set(profiles, Request(1, "not a url", 1)));
        Assert.Equal("Rejected:InvalidURL", Set(profiles, Request(1, "wss://csms.example/ocpp", 1)));
        Assert.Equal("Rejected:InvalidURL", Set(profiles, Request(1, "ws://csms.example/ocpp", 2)));
        Assert.Equal("Rejected:InvalidValue", Set(profiles, Request(1, "ws://csms.example/ocpp", 0)));
        var soap = Request(1, "ws://csms.example/ocpp", 1);
        soap.ConnectionData.OcppTransport = OCPPTransportEnumType.SOAP;
        Assert.Equal("Rejected:UnsupportedParam", Set(profiles, soap));
        var old = Request(1, "ws://csms.example/ocpp", 1);
        old.ConnectionData.OcppVersion = OCPPVersionEnumType.OCPP16;
        Assert.Equal("Rejected:UnsupportedParam", Set(profiles, old));
        var timeout = Request(1, "ws://csms.example/ocpp", 1);
        timeout.ConnectionData.MessageTimeout = 0;
        Assert.Equal("Rejected:InvalidValue", Set(profiles, timeout));
        Assert.Null(profiles.Profile(1));

        Assert.Equal("Accepted", Set(profiles, Request(1, "ws://csms.example/ocpp", 1)));
        Assert.Equal("ws://csms.example/ocpp", profiles.Profile(1)!.OcppCsmsUrl);
    }

    [Fact]
    public void B09_A_profile_is_kept_in_the_store_per_slot()
    {
        using var context = new FakeStationContext();
        var (profiles, _) = Build(context);
        Assert.Equal("Accepted", Set(profiles, Request(2, "ws://other.example:8080/ocpp", 1)));
        Assert.NotNull(context.Store.GetRecord("network-profile:2"));
        var (again, _) = Build(context);
        Assert.Equal("ws://other.example:8080/ocpp", again.Profile(2)!.OcppCsmsUrl);
    }

    [Fact]
    public void A05_A_profile_below_the_stations_security_profile_is_Rejected()
    {
        using var context = new FakeStationContext();
        context.Model.SetInternal(new ComponentKey("SecurityCtrlr"), "SecurityProfile", "2");
        var (profiles, _) = Build(context);
        Assert.Equal("Rejected:NoSecurityDowngrade", Set(profiles, Request(1, "ws://csms.example/ocpp", 1)));
        Assert.Equal("Accepted", Set(profiles, Request(1, "wss://csms.example/ocpp", 2)));
    }

    [Fact]
    public void A05_A_profile_3_needs_the_station_certificate_and_1_or_2_a_password()
    {
        using var context = new FakeStationContext();
        var (profiles, _) = Build(context, password: null);
        Assert.Equal("Rejected:NoCertificate", Set(profiles, Request(1, "wss://csms.example/ocpp", 3)));
        Assert.Equal("Rejected:MissingParam", Set(profiles, Request(1, "ws://csms.example/ocpp", 1)));
        profiles.MissingCertificates = _ => null;
        Assert.Equal("Accepted", Set(profiles, Request(1, "wss://csms.example/ocpp", 3)));
    }

    [Fact]
    public void A05_B09_A_stored_profile_is_a_ReconfigurationOfSecurityParameters_event()
    {
        using var context = new FakeStationContext();
        var (profiles, _) = Build(context);
        Set(profiles, Request(1, "ws://csms.example/ocpp", 1));
        var sent = Assert.Single(context.Queued.OfType<SecurityEventNotificationRequest>());
        Assert.Equal("ReconfigurationOfSecurityParameters", sent.Type);
        Assert.Contains("slot 1", sent.TechInfo, StringComparison.Ordinal);
    }

    [Fact]
    public void B10_NetworkConfigurationPriority_decides_the_order_and_a_failing_profile_falls_back_after_its_attempts()
    {
        using var context = new FakeStationContext();
        var (profiles, _) = Build(context);
        Set(profiles, Request(1, "ws://first.example/ocpp", 1));
        Set(profiles, Request(2, "ws://second.example/ocpp", 1));
        Assert.Equal(SetVariableStatusEnumType.Accepted, context.Model.Set("OCPPCommCtrlr", "NetworkProfileConnectionAttempts", "2"));
        Assert.Equal(SetVariableStatusEnumType.Accepted, context.Model.Set("OCPPCommCtrlr", "NetworkConfigurationPriority", "2,1,0"));
        profiles.PriorityChanged();

        var slots = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            var target = profiles.Current();
            slots.Add(target.Slot);
            profiles.Failed(target, new IOException("refused"));
        }

        // Two attempts per profile, in priority order, then round again.
        Assert.Equal([2, 2, 1, 1, 0, 0, 2], slots);
        Assert.Equal(new Uri("ws://second.example/ocpp"), new NetworkProfiles(context, new StationOptions { Endpoint = Start, StationId = "x" }, new SecurityEvents(context)).Current().Endpoint);
    }

    [Fact]
    public void B10_A_connection_that_works_keeps_its_profile_and_a_new_priority_starts_from_the_top()
    {
        using var context = new FakeStationContext();
        var (profiles, _) = Build(context);
        Set(profiles, Request(1, "ws://first.example/ocpp", 1));
        context.Model.Set("OCPPCommCtrlr", "NetworkProfileConnectionAttempts", "1");
        context.Model.Set("OCPPCommCtrlr", "NetworkConfigurationPriority", "1,0");
        profiles.PriorityChanged();
        profiles.Failed(profiles.Current(), new IOException("refused"));
        var fallback = profiles.Current();
        Assert.Equal(0, fallback.Slot);
        profiles.Connected(fallback);
        Assert.Equal(0, profiles.Current().Slot);

        profiles.PriorityChanged();
        Assert.Equal(1, profiles.Current().Slot);
    }

    [Fact]
    public void A05_The_security_profile_rises_only_once_a_connection_with_the_new_profile_worked_and_lower_ones_are_not_tried_after()
    {
        using var context = new FakeStationContext();
        var (profiles, _) = Build(context);
        profiles.MissingCertificates = _ => null;
        Assert.Equal("Accepted", Set(profiles, Request(1, "wss://secure.example/ocpp", 2)));
        context.Model.Set("OCPPCommCtrlr", "NetworkProfileConnectionAttempts", "1");
        context.Model.Set("OCPPCommCtrlr", "NetworkConfigurationPriority", "1,0");
        profiles.PriorityChanged();

        // The new profile fails: the station falls back to the previous one and stays at profile 1.
        var upgraded = profiles.Current();
        Assert.Equal((1, 2), (upgraded.Slot, upgraded.SecurityProfile));
        profiles.Failed(upgraded, new IOException("TLS handshake failed"));
        Assert.Equal(0, profiles.Current().Slot);
        profiles.Connected(profiles.Current());
        Assert.Equal("1", context.Model.Value("SecurityCtrlr", "SecurityProfile"));

        // It works: SecurityProfile becomes 2 (persisted), and slot 0 (profile 1) is no longer a candidate.
        profiles.PriorityChanged();
        profiles.Connected(profiles.Current());
        Assert.Equal("2", context.Model.Value("SecurityCtrlr", "SecurityProfile"));
        Assert.Equal("2", context.Store.LoadVariables().Single(v => v.Key.Contains("SecurityProfile", StringComparison.Ordinal)).Value);
        profiles.Failed(profiles.Current(), new IOException("down"));
        Assert.Equal(1, profiles.Current().Slot);
        Assert.Contains(context.Queued.OfType<SecurityEventNotificationRequest>(), e => e.Type == "ReconfigurationOfSecurityParameters" && e.TechInfo!.Contains("1 -> 2", StringComparison.Ordinal));
    }

    [Fact]
    public void B10_A_priority_naming_an_empty_slot_is_Rejected()
    {
        using var context = new FakeStationContext();
        var (profiles, _) = Build(context);
        Assert.NotNull(profiles.CheckPriority("1,0"));
        Set(profiles, Request(1, "ws://first.example/ocpp", 1));
        Assert.Null(profiles.CheckPriority("1,0"));
    }
}
