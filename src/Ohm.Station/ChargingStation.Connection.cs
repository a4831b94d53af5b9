using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;
using Ohm.Station.Blocks;

namespace Ohm.Station;

/// <summary>How the station's next connection is made: the network profile (B09/B10, A05) and its TLS (A).</summary>
public sealed partial class ChargingStation
{
    private OcppClientOptions ConnectionOptions(ConnectionTarget target)
    {
        var timeout = Model.Number("OCPPCommCtrlr", "MessageTimeout", 30, "Default");
        var options = new OcppClientOptions
        {
            Endpoint = target.Endpoint,
            StationId = Options.StationId,
            Password = target.SecurityProfile == 3 ? null : target.Password, // profile 3 authenticates by its certificate alone
            Rpc = new OcppRpcOptions { CallTimeout = TimeSpan.FromSeconds(timeout) },
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        Security.ApplyTls(options, target);
        return options;
    }
}
