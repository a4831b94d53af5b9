using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Tests.Support;

namespace Ohm.Csms.Tests.Certificates;

/// <summary>M03-M05 from the API: the certificates installed on a raw station, asked for, installed, deleted and stored per station.</summary>
public sealed class InstalledCertificatesApiTests
{
    private static readonly X509Certificate2 MoRoot = TestCertificates.CreateRoot("Test MO Root");
    private static readonly X509Certificate2 V2gRoot = TestCertificates.CreateRoot("Test V2G Root");

    // A raw station with a certificate store: installs CA certificates (M05), reports them by hash data (M03), deletes by hash data (M04).
    private sealed class CertificateStation
    {
        public ConcurrentDictionary<string, (GetCertificateIdUseEnumType Type, X509Certificate2 Certificate)> Store { get; } = new();

        public ConcurrentQueue<object> Requests { get; } = new();

        public OcppHandlers Handlers() => new OcppHandlers()
            .On(OcppActions.InstallCertificate, (request, _, _) =>
            {
                Requests.Enqueue(request);
                var certificate = X509Certificate2.CreateFromPem(request.Certificate);
                if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
                {
                    return ValueTask.FromResult(new InstallCertificateResponse { Status = InstallCertificateStatusEnumType.Rejected, StatusInfo = new StatusInfoType { ReasonCode = "NotCACertificate" } });
                }

                Add(Enum.Parse<GetCertificateIdUseEnumType>(request.CertificateType.ToWire()), certificate);
                return ValueTask.FromResult(new InstallCertificateResponse { Status = InstallCertificateStatusEnumType.Accepted });
            })
            .On(OcppActions.GetInstalledCertificateIds, (request, _, _) =>
            {
                Requests.Enqueue(request);
                var chains = Store.Values.Where(c => request.CertificateType is not { Count: > 0 } types || types.Contains(c.Type))
                    .Select(c => new CertificateHashDataChainType
                    {
                        CertificateType = c.Type,
                        CertificateHashData = HashOf(c.Certificate),
                        ChildCertificateHashData = c.Type == GetCertificateIdUseEnumType.V2GCertificateChain ? [HashOf(V2gRoot)] : null,
                    }).ToList();
                return ValueTask.FromResult(chains.Count == 0
                    ? new GetInstalledCertificateIdsResponse { Status = GetInstalledCertificateStatusEnumType.NotFound }
                    : new GetInstalledCertificateIdsResponse { Status = GetInstalledCertificateStatusEnumType.Accepted, CertificateHashDataChain = chains });
            })
            .On(OcppActions.DeleteCertificate, (request, _, _) =>
            {
                Requests.Enqueue(request);
                var given = request.CertificateHashData;
                var match = Store.FirstOrDefault(c => HashOf(c.Value.Certificate) is var mine && mine.IssuerNameHash == given.IssuerNameHash
                    && mine.IssuerKeyHash == given.IssuerKeyHash && mine.SerialNumber == given.SerialNumber.TrimStart('0'));
                return ValueTask.FromResult(match.Key is { } key && Store.TryRemove(key, out _)
                    ? new DeleteCertificateResponse { Status = DeleteCertificateStatusEnumType.Accepted }
                    : new DeleteCertificateResponse { Status = DeleteCertificateStatusEnumType.NotFound });
            });

        public void Add(GetCertificateIdUseEnumType type, X509Certificate2 certificate) => Store[certificate.Thumbprint] = (type, certificate);

        public T Last<T>() => Requests.OfType<T>().Last();
    }

    // Part 2's CertificateHashData of a self-signed root, computed here independently of the CSMS: SHA-256 of the issuer name's DER and of its public key, the serial in lower-case hex.
    private static CertificateHashDataType HashOf(X509Certificate2 root) => new()
    {
        HashAlgorithm = HashAlgorithmEnumType.SHA256,
        IssuerNameHash = Convert.ToHexStringLower(SHA256.HashData(root.IssuerName.RawData)),
        IssuerKeyHash = Convert.ToHexStringLower(SHA256.HashData(root.PublicKey.EncodedKeyValue.RawData)),
        SerialNumber = Convert.ToHexStringLower(root.SerialNumberBytes.Span).TrimStart('0'),
    };

    [Fact]
    public async Task M05_M03_M04_install_list_and_delete_through_the_API_store_what_the_station_has()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var station = new CertificateStation();
        station.Add(GetCertificateIdUseEnumType.V2GRootCertificate, V2gRoot); // there before the CSMS knew of it
        await using var connection = await csms.BootedStationAsync("CS-M03", station.Handlers());

        // M05: the PEM goes to the station; accepted, it is stored with what the CSMS knows of it.
        var (status, installed) = await csms.PostJsonAsync("api/stations/CS-M03/certificates/installed",
            JsonSerializer.Serialize(new { certificateType = "MORootCertificate", certificate = MoRoot.ExportCertificatePem() }));
        Assert.Equal(200, status);
        Assert.Equal("Accepted", installed.GetProperty("status").GetString());
        var sent = station.Last<InstallCertificateRequest>();
        Assert.Equal(InstallCertificateUseEnumType.MORootCertificate, sent.CertificateType);
        Assert.Equal(MoRoot.RawData, X509Certificate2.CreateFromPem(sent.Certificate).RawData);
        var mo = installed.GetProperty("certificate");
        Assert.Equal("Installed", mo.GetProperty("source").GetString());
        Assert.Equal(MoRoot.Subject, mo.GetProperty("subject").GetString());
        Assert.Equal(HashOf(MoRoot).IssuerKeyHash, mo.GetProperty("hashData").GetProperty("issuerKeyHash").GetString());
        Assert.Equal(HashOf(MoRoot).SerialNumber, mo.GetProperty("hashData").GetProperty("serialNumber").GetString());
        var moId = mo.GetProperty("id").GetInt64();

        // M03: the station's answer becomes the stored list; the installed one keeps its subject, the unknown one is reported by hash only.
        var all = await csms.GetJsonAsync("api/stations/CS-M03/certificates/installed");
        Assert.Equal("Accepted", all.GetProperty("status").GetString());
        Assert.Null(station.Last<GetInstalledCertificateIdsRequest>().CertificateType);
        var listed = all.GetProperty("certificates").EnumerateArray().ToList();
        Assert.Equal(2, listed.Count);
        var v2g = Assert.Single(listed, c => c.GetProperty("certificateType").GetString() == "V2GRootCertificate");
        Assert.Equal("Reported", v2g.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, v2g.GetProperty("subject").ValueKind);
        Assert.Equal(HashOf(V2gRoot).IssuerNameHash, v2g.GetProperty("hashData").GetProperty("issuerNameHash").GetString());
        var moListed = Assert.Single(listed, c => c.GetProperty("certificateType").GetString() == "MORootCertificate");
        Assert.Equal(moId, moListed.GetProperty("id").GetInt64());
        Assert.Equal(MoRoot.Subject, moListed.GetProperty("subject").GetString());

        var filtered = await csms.GetJsonAsync("api/stations/CS-M03/certificates/installed?certificateType=V2GRootCertificate");
        Assert.Equal([GetCertificateIdUseEnumType.V2GRootCertificate], station.Last<GetInstalledCertificateIdsRequest>().CertificateType!);
        Assert.Equal("V2GRootCertificate", Assert.Single(filtered.GetProperty("certificates").EnumerateArray()).GetProperty("certificateType").GetString());

        // M04 by stored id: the stored hash data goes to the station, and the record goes once it deleted the certificate.
        using (var deleted = await csms.Api.DeleteAsync($"api/stations/CS-M03/certificates/installed/{moId}"))
        {
            var body = await deleted.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            Assert.Equal("Accepted", body.GetProperty("status").GetString());
            Assert.Equal(1, body.GetProperty("removedFromStore").GetInt32());
        }

        var deleteSent = station.Last<DeleteCertificateRequest>().CertificateHashData;
        Assert.Equal(HashOf(MoRoot).IssuerKeyHash, deleteSent.IssuerKeyHash);
        Assert.Equal(HashOf(MoRoot).SerialNumber, deleteSent.SerialNumber);
        Assert.DoesNotContain(station.Store.Values, c => c.Type == GetCertificateIdUseEnumType.MORootCertificate);
        var stored = await csms.GetJsonAsync("api/stations/CS-M03/certificates/installed/stored");
        Assert.Equal("V2GRootCertificate", Assert.Single(stored.EnumerateArray()).GetProperty("certificateType").GetString());

        // M04 by hash data given in the query, in upper case with a leading zero: sent normalised, and matched to the stored record.
        var hash = HashOf(V2gRoot);
        using (var deleted = await csms.Api.DeleteAsync("api/stations/CS-M03/certificates/installed?hashAlgorithm=SHA256"
            + $"&issuerNameHash={hash.IssuerNameHash.ToUpperInvariant()}&issuerKeyHash={hash.IssuerKeyHash}&serialNumber=0{hash.SerialNumber}"))
        {
            var body = await deleted.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            Assert.Equal("Accepted", body.GetProperty("status").GetString());
            Assert.Equal(1, body.GetProperty("removedFromStore").GetInt32());
        }

        Assert.Empty(station.Store);
        Assert.Equal(0, (await csms.GetJsonAsync("api/stations/CS-M03/certificates/installed/stored")).GetArrayLength());

        // A certificate the station no longer has: M04 answers NotFound; M03 NotFound empties the stored list of the types asked for.
        using (var again = await csms.Api.DeleteAsync($"api/stations/CS-M03/certificates/installed?hashAlgorithm=SHA256&issuerNameHash={hash.IssuerNameHash}&issuerKeyHash={hash.IssuerKeyHash}&serialNumber={hash.SerialNumber}"))
        {
            Assert.Equal("NotFound", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        station.Add(GetCertificateIdUseEnumType.CSMSRootCertificate, MoRoot);
        Assert.Single((await csms.GetJsonAsync("api/stations/CS-M03/certificates/installed")).GetProperty("certificates").EnumerateArray());
        station.Store.Clear();
        var none = await csms.GetJsonAsync("api/stations/CS-M03/certificates/installed?certificateType=CSMSRootCertificate");
        Assert.Equal("NotFound", none.GetProperty("status").GetString());
        Assert.Empty(none.GetProperty("certificates").EnumerateArray());
        Assert.Equal(0, (await csms.GetJsonAsync("api/stations/CS-M03/certificates/installed/stored")).GetArrayLength());

        // A V2G chain is reported with the hash data of its sub-CAs, which are stored with it.
        station.Add(GetCertificateIdUseEnumType.V2GCertificateChain, MoRoot);
        var chain = Assert.Single((await csms.GetJsonAsync("api/stations/CS-M03/certificates/installed?certificateType=V2GCertificateChain")).GetProperty("certificates").EnumerateArray());
        var child = Assert.Single(chain.GetProperty("childCertificateHashData").EnumerateArray());
        Assert.Equal(HashOf(V2gRoot).SerialNumber, child.GetProperty("serialNumber").GetString());
        Assert.Equal("SHA256", child.GetProperty("hashAlgorithm").GetString());
        var storedChain = Assert.Single((await csms.GetJsonAsync("api/stations/CS-M03/certificates/installed/stored")).EnumerateArray());
        Assert.Equal(HashOf(V2gRoot).IssuerKeyHash, Assert.Single(storedChain.GetProperty("childCertificateHashData").EnumerateArray()).GetProperty("issuerKeyHash").GetString());
    }

    [Fact]
    public async Task M05_a_certificate_that_is_not_one_PEM_X509_is_400_before_anything_is_sent_and_a_rejected_one_is_not_stored()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var station = new CertificateStation();
        await using var connection = await csms.BootedStationAsync("CS-M05", station.Handlers());
        const string path = "api/stations/CS-M05/certificates/installed";

        await Problem(csms.Api.PostAsJsonAsync(path, new { certificateType = "MORootCertificate", certificate = "not a certificate" }), HttpStatusCode.BadRequest, "certificate");
        var broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        await Problem(csms.Api.PostAsJsonAsync(path, new { certificateType = "MORootCertificate", certificate = broken }), HttpStatusCode.BadRequest, "certificate");
        await Problem(csms.Api.PostAsJsonAsync(path, new { certificateType = "MORootCertificate", certificate = MoRoot.ExportCertificatePem() + V2gRoot.ExportCertificatePem() }), HttpStatusCode.BadRequest, "exactly one");
        await Problem(csms.Api.PostAsJsonAsync(path, new { certificateType = "V2GCertificateChain", certificate = MoRoot.ExportCertificatePem() }), HttpStatusCode.BadRequest, "certificateType");
        await Problem(csms.Api.GetAsync(path + "?certificateType=Nonsense"), HttpStatusCode.BadRequest, "certificateType");
        await Problem(csms.Api.DeleteAsync(path + "?hashAlgorithm=SHA256&issuerNameHash=zz&issuerKeyHash=00&serialNumber=1"), HttpStatusCode.BadRequest, "issuerNameHash");
        await Problem(csms.Api.DeleteAsync(path + "?hashAlgorithm=MD5&issuerNameHash=00&issuerKeyHash=00&serialNumber=1"), HttpStatusCode.BadRequest, "hashAlgorithm");
        await Problem(csms.Api.DeleteAsync(path + "/12345"), HttpStatusCode.NotFound, "12345");
        Assert.Empty(station.Requests);

        // The station decides what it takes: a leaf is Rejected, answered with its reason, and not stored.
        var leaf = TestCertificates.CreateClient(MoRoot, "not-a-ca");
        var (status, body) = await csms.PostJsonAsync(path, JsonSerializer.Serialize(new { certificateType = "MORootCertificate", certificate = leaf.ExportCertificatePem() }));
        Assert.Equal(200, status);
        Assert.Equal("Rejected", body.GetProperty("status").GetString());
        Assert.Equal("NotCACertificate", body.GetProperty("reasonCode").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("certificate").ValueKind);
        Assert.Equal(0, (await csms.GetJsonAsync(path + "/stored")).GetArrayLength());
    }

    [Fact]
    public async Task M03_M05_a_registered_station_that_is_not_connected_is_503_and_an_unknown_one_404()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.RegisterAsync("CS-AWAY");

        await Problem(csms.Api.GetAsync("api/stations/CS-AWAY/certificates/installed"), HttpStatusCode.ServiceUnavailable, "CS-AWAY");
        await Problem(csms.Api.PostAsJsonAsync("api/stations/CS-AWAY/certificates/installed", new { certificateType = "MORootCertificate", certificate = MoRoot.ExportCertificatePem() }),
            HttpStatusCode.ServiceUnavailable, "CS-AWAY");
        var hash = HashOf(MoRoot);
        await Problem(csms.Api.DeleteAsync($"api/stations/CS-AWAY/certificates/installed?hashAlgorithm=SHA256&issuerNameHash={hash.IssuerNameHash}&issuerKeyHash={hash.IssuerKeyHash}&serialNumber={hash.SerialNumber}"),
            HttpStatusCode.ServiceUnavailable, "CS-AWAY");
        Assert.Equal(0, (await csms.GetJsonAsync("api/stations/CS-AWAY/certificates/installed/stored")).GetArrayLength());
        await Problem(csms.Api.GetAsync("api/stations/CS-NOWHERE/certificates/installed"), HttpStatusCode.NotFound, "CS-NOWHERE");
        await Problem(csms.Api.GetAsync("api/stations/CS-NOWHERE/certificates/installed/stored"), HttpStatusCode.NotFound, "CS-NOWHERE");
    }

    private static async Task Problem(Task<HttpResponseMessage> call, HttpStatusCode status, string mentions)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(mentions, body, StringComparison.Ordinal);
    }
}
