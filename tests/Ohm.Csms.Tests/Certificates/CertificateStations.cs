using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Tests.Certificates;

/// <summary>What the certificate tests share: CSRs made in the test, and a raw station that takes CertificateSigned.</summary>
internal static class CertificateStations
{
    public static string Csr(string commonName, AsymmetricAlgorithm key, string organization = "Ohm") => Request(commonName, key, organization).CreateSigningRequestPem();

    public static CertificateRequest Request(string commonName, AsymmetricAlgorithm key, string organization = "Ohm") => key switch
    {
        RSA rsa => new CertificateRequest($"CN={commonName}, O={organization}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        ECDsa ec => new CertificateRequest($"CN={commonName}, O={organization}", ec, HashAlgorithmName.SHA256),
        _ => throw new ArgumentException("RSA or ECDsa", nameof(key)),
    };

    /// <summary>Handlers that answer every CertificateSigned Accepted and hand its request to <paramref name="received"/>.</summary>
    public static OcppHandlers Handlers(Channel<CertificateSignedRequest> received) => new OcppHandlers()
        .On(OcppActions.CertificateSigned, async (request, _, ct) =>
        {
            await received.Writer.WriteAsync(request, ct);
            return new CertificateSignedResponse { Status = CertificateSignedStatusEnumType.Accepted };
        })
        .On(OcppActions.TriggerMessage, (_, _, _) => ValueTask.FromResult(new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.Accepted }));

    /// <summary>The certificates of a CertificateSigned chain, leaf first.</summary>
    public static X509Certificate2Collection Chain(string pem)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(pem);
        return chain;
    }

    /// <summary>Whether <paramref name="leaf"/> chains to <paramref name="root"/> (no revocation check).</summary>
    public static bool ChainsTo(X509Certificate2 leaf, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    /// <summary>The CSMS root, as GET /api/certificates/ca gives it.</summary>
    public static async Task<X509Certificate2> RootAsync(CsmsTestHost csms, string path = "api/certificates/ca")
    {
        var response = await csms.Api.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return X509Certificate2.CreateFromPem(json.RootElement.GetProperty("pem").GetString());
    }

    /// <summary>
    /// A02 over the wire: the station (connected by <paramref name="connect"/>) sends a CSR of a new P-256 key and gets
    /// its certificate in CertificateSigned; returned with its key, ready to present in TLS.
    /// </summary>
    public static async Task<X509Certificate2> ObtainAsync(Func<OcppHandlers, Task<OcppConnection>> connect, string stationId)
    {
        var received = Channel.CreateUnbounded<CertificateSignedRequest>();
        await using var station = await connect(Handlers(received));
        Assert.Equal(RegistrationStatusEnumType.Accepted, (await station.CallAsync(CsmsTestHost.Boot())).Status);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var answer = await station.CallAsync(new SignCertificateRequest { Csr = Csr(stationId, key) });
        Assert.Equal(GenericStatusEnumType.Accepted, answer.Status);
        var signed = await received.Reader.ReadAsync();
        using var leaf = Chain(signed.CertificateChain)[0];
        using var withKey = leaf.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }

    /// <summary>Options of a TLS station that trusts <paramref name="root"/>.</summary>
    public static OcppClientOptions Tls(CsmsTestHost csms, X509Certificate2 root, string stationId, string? password = null, X509Certificate2? certificate = null) => new()
    {
        Endpoint = csms.OcppEndpoint,
        StationId = stationId,
        Password = password,
        ClientCertificate = certificate,
        ServerCertificateValidation = OcppTls.TrustRoot(root),
    };
}
