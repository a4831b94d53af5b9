namespace Ohm.Csms.Certificates.Ocsp;

/// <summary>
/// Settings of the CSMS's OCSP client (section <c>Csms:Ocsp</c>), used for M06 GetCertificateStatus and for the
/// contract certificates of C07/C08. The responder URL comes from the station (its ocspRequestData.responderURL), so
/// without <see cref="AllowedResponderHosts"/> a station can make the CSMS POST to any HTTP address it can reach (a
/// server-side request forgery risk, the answer is never passed back unless it is a valid signed OCSP response).
/// </summary>
public sealed class OcspOptions
{
    /// <summary>Seconds a request to a responder may take, connection included. Default 10.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Bytes of an OCSP response read at most; a longer answer is refused. Default 16384.</summary>
    public int MaxResponseBytes { get; set; } = 16384;

    /// <summary>
    /// Host names (or addresses) of the OCSP responders the CSMS may be sent to; empty (the default) allows any. Set it
    /// in production to the responders of the PKIs you trust (V2G, MO, OEM) so that a station cannot point the CSMS at
    /// an internal address.
    /// </summary>
    public List<string> AllowedResponderHosts { get; set; } = [];

    /// <summary>Checks the values and names the bad setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (TimeoutSeconds is < 1 or > 120)
        {
            yield return $"Csms:Ocsp:TimeoutSeconds must be between 1 and 120 (is {TimeoutSeconds}).";
        }

        if (MaxResponseBytes is < 512 or > 1048576)
        {
            yield return $"Csms:Ocsp:MaxResponseBytes must be between 512 and 1048576 (is {MaxResponseBytes}).";
        }

        foreach (var host in AllowedResponderHosts)
        {
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host.Trim()) == UriHostNameType.Unknown)
            {
                yield return $"Csms:Ocsp:AllowedResponderHosts holds '{host}', which is not a host name or address.";
            }
        }
    }
}
