using Ohm.Ocpp.Messages;
using Ohm.Station.DeviceModel;
using Ohm.Station.Hardware;

namespace Ohm.Station;

/// <summary>How a <see cref="ChargingStation"/> connects, where it keeps its state, and what it is.</summary>
public sealed class StationOptions
{
    /// <summary>The CSMS endpoint without the identity, e.g. ws://127.0.0.1:9000/ocpp.</summary>
    public required Uri Endpoint { get; set; }

    /// <summary>
    /// Further addresses of the same CSMS (the other nodes of a cluster), tried in order after <see cref="Endpoint"/>: the
    /// station connects to the first that answers and, when its connection drops, tries the others at once before it backs
    /// off (the OCPP reconnect back-off applies when every one fails). Empty by default.
    /// </summary>
    public IReadOnlyList<Uri> FallbackEndpoints { get; set; } = [];

    /// <summary>The station identity.</summary>
    public required string StationId { get; set; }

    /// <summary>The Basic-auth password (security profile 1), if any.</summary>
    public string? Password { get; set; }

    /// <summary>Where the station keeps its state; by default a folder named after the station id under the working directory.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The device model configuration; by default the built-in 2-EVSE AC station.</summary>
    public DeviceModelConfig? Config { get; set; }

    /// <summary>The wait before the next BootNotification when the CSMS answered Pending or Rejected with interval 0.</summary>
    public TimeSpan DefaultBootRetry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>P01: answers a DataTransfer from the CSMS; null (the default) answers UnknownVendorId.</summary>
    public Func<DataTransferRequest, DataTransferResponse>? DataTransferHandler { get; set; }

    /// <summary>
    /// The charger's hardware (meter, lock, relay, display, EV side, firmware, sensors); null (the default) runs the
    /// simulator, <see cref="Simulation.SimulatedHardware"/>, on <see cref="TimeProvider"/>.
    /// </summary>
    public StationHardware? Hardware { get; set; }

    /// <summary>The power a simulated EV draws when it charges, in W, unless set per EVSE.</summary>
    public decimal DefaultEvPowerW { get; set; } = 11000;

    /// <summary>The clock and timers of the station (intervals, timeouts, back-off, timestamps); the system clock by default.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// A bootstrap: a PEM (or DER) file with the CSMS root certificate(s) to trust over TLS (wss) while no
    /// CSMSRootCertificate is installed (M05 installs them); null trusts installed roots only.
    /// </summary>
    public string? CsmsRootFile { get; set; }

    /// <summary>
    /// A02 bootstrap: a PKCS#12 (.pfx) file with the station's certificate and private key for security profile 3,
    /// installed into the station's certificate store on the first start when it has no ChargingStationCertificate yet.
    /// </summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>The password of <see cref="ClientCertificateFile"/>, if any.</summary>
    public string? ClientCertificatePassword { get; set; }

    internal string DataPath => DataDirectory ?? Path.Combine(Environment.CurrentDirectory, StationId);
}
