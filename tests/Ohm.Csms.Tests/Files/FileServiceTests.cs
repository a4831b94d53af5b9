using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Files;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Tests.Files;

/// <summary>
/// The file service: single-use, expiring transfer URLs on the OCPP address, uploads streamed and size-limited (413 as
/// a ProblemDetails), multipart/form-data as chargers send it, and the files listed, downloaded and deleted through the API.
/// </summary>
public sealed class FileServiceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Databases() => TestDatabases.All();

    private static FileService Files(CsmsTestHost csms) => csms.App.Services.GetRequiredService<FileService>();

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A body without Content-Length (chunked), so that only the streamed count can catch it.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var at = 0; at < bytes.Length; at += 4096)
            {
                await stream.WriteAsync(bytes.AsMemory(at, Math.Min(4096, bytes.Length - at)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
        return body;
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task An_upload_URL_is_single_use_and_its_file_is_listed_downloaded_and_deleted_through_the_API(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var url = await Files(csms).IssueUploadAsync("CS-F1", "Log", "cs-f1.log", DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        Assert.StartsWith(new Uri(csms.OcppEndpoint.ToString().Replace("ws", "http", StringComparison.Ordinal)).GetLeftPart(UriPartial.Authority) + "/files/", url.Url, StringComparison.Ordinal);
        using var station = new HttpClient();
        var content = Bytes(100_000, 1);

        var first = await station.PutAsync(url.Url, new ByteArrayContent(content));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var again = await station.PutAsync(url.Url, new ByteArrayContent(content));
        await ProblemAsync(again, HttpStatusCode.Gone);

        var files = await csms.GetJsonAsync("api/files?kind=Log");
        var file = Assert.Single(files.GetProperty("items").EnumerateArray());
        Assert.Equal("cs-f1.log", file.GetProperty("name").GetString());
        Assert.Equal("CS-F1", file.GetProperty("stationId").GetString());
        Assert.Equal(content.Length, file.GetProperty("length").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), file.GetProperty("sha256").GetString());
        var id = file.GetProperty("id").GetInt64();
        Assert.Equal(content, await csms.Api.GetByteArrayAsync($"api/files/{id}/content"));

        Assert.Equal(HttpStatusCode.NoContent, (await csms.Api.DeleteAsync($"api/files/{id}")).StatusCode);
        await ProblemAsync(await csms.Api.GetAsync($"api/files/{id}/content"), HttpStatusCode.NotFound);
        Assert.Equal(0, (await csms.GetJsonAsync("api/files")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_download_URL_serves_once_and_expires_on_the_CSMS_clock()
    {
        var clock = new FakeTimeProvider(T0);
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(clock));
        var content = Bytes(5000, 2);
        var stored = await Files(csms).StoreAsync(new MemoryStream(content), "fw.bin", "application/octet-stream", "Firmware", null, null, CancellationToken.None);
        var once = await Files(csms).IssueDownloadAsync(stored.Id, "CS-F2", T0.AddMinutes(10), CancellationToken.None);
        var late = await Files(csms).IssueDownloadAsync(stored.Id, "CS-F2", T0.AddMinutes(10), CancellationToken.None);
        using var station = new HttpClient();

        Assert.Equal(content, await station.GetByteArrayAsync(once.Url));
        await ProblemAsync(await station.GetAsync(once.Url), HttpStatusCode.Gone);

        clock.Advance(TimeSpan.FromMinutes(11));
        var expired = await ProblemAsync(await station.GetAsync(late.Url), HttpStatusCode.Gone);
        Assert.Contains("no longer valid", expired.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAsync(await station.GetAsync(late.Url[..^4] + "AAAA"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_refused_413_with_a_ProblemDetails_keeps_nothing_and_gives_the_URL_back()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:Files:MaxUploadBytes", "10000"));
        var url = await Files(csms).IssueUploadAsync("CS-F3", "Log", null, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        using var station = new HttpClient();

        // Declared too large: refused before a byte is read.
        await ProblemAsync(await station.PutAsync(url.Url, new ByteArrayContent(Bytes(20_000, 3))), HttpStatusCode.RequestEntityTooLarge);

        // Not declared (chunked): refused once the streamed count passes the limit.
        var chunked = await ProblemAsync(await station.PostAsync(url.Url, new ChunkedContent(Bytes(50_000, 4))), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("10000", chunked.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await csms.GetJsonAsync("api/files")).GetProperty("total").GetInt32());
        Assert.Empty(Directory.GetFiles(Path.Combine(csms.App.Services.GetRequiredService<Ohm.Csms.Server.StorageOptions>().DataFolder, "files")));

        // The failed transfers did not use the URL up.
        Assert.Equal(HttpStatusCode.Created, (await station.PutAsync(url.Url, new ByteArrayContent(Bytes(9_000, 5)))).StatusCode);
    }

    [Fact]
    public async Task A_chunked_upload_is_streamed_to_the_store_and_a_multipart_form_upload_stores_its_file_under_its_name()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        using var station = new HttpClient();
        var large = Bytes(3 * 1024 * 1024, 6);
        var raw = await Files(csms).IssueUploadAsync("CS-F4", "Log", "raw.log", DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        Assert.Equal(HttpStatusCode.Created, (await station.PutAsync(raw.Url, new ChunkedContent(large))).StatusCode);

        var form = await Files(csms).IssueUploadAsync("CS-F4", "Log", "fallback.log", DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        var log = "2026-12-01T08:00:00Z boot\n2026-12-01T08:00:01Z connected\n"u8.ToArray();
        using var multipart = new MultipartFormDataContent { { new StringContent("CS-F4"), "station" } };
        var part = new ByteArrayContent(log);
        part.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        multipart.Add(part, "file", "diagnostics-42.log");
        Assert.Equal(HttpStatusCode.Created, (await station.PostAsync(form.Url, multipart)).StatusCode);

        var items = (await csms.GetJsonAsync("api/files?stationId=CS-F4")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        var rawFile = items.Single(i => i.GetProperty("name").GetString() == "raw.log");
        Assert.Equal(large.Length, rawFile.GetProperty("length").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(large)), rawFile.GetProperty("sha256").GetString());
        var formFile = items.Single(i => i.GetProperty("name").GetString() == "diagnostics-42.log");
        Assert.Equal("text/plain", formFile.GetProperty("contentType").GetString());
        Assert.Equal(log, await csms.Api.GetByteArrayAsync($"api/files/{formFile.GetProperty("id").GetInt64()}/content"));
    }

    [Fact]
    public async Task Transfer_URLs_answer_only_on_the_OCPP_address_and_the_API_takes_an_upload_within_the_limit()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:Files:MaxUploadBytes", "1000"));
        var url = new Uri((await Files(csms).IssueUploadAsync(null, "Log", null, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None)).Url);
        using var client = new HttpClient();
        var onApi = new Uri(csms.Api.BaseAddress!, url.PathAndQuery);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync(onApi, new ByteArrayContent([1, 2, 3]))).StatusCode);

        var uploaded = await csms.Api.PostAsync("api/files?name=image.bin&kind=Firmware", new ByteArrayContent(Bytes(800, 7)));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var file = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Firmware", file.GetProperty("kind").GetString());
        await ProblemAsync(await csms.Api.PostAsync("api/files?name=big.bin", new ChunkedContent(Bytes(5000, 8))), HttpStatusCode.RequestEntityTooLarge);
        await ProblemAsync(await csms.Api.PostAsync("api/files?name=x.bin&kind=Log", new ByteArrayContent([1])), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task When_the_CSMS_runs_TLS_the_transfer_URLs_are_https_on_the_OCPP_address()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Ocpp:Url", "https://127.0.0.1:0"));
        var content = Bytes(20_000, 9);
        var stored = await Files(csms).StoreAsync(new MemoryStream(content), "fw.bin", null, "Firmware", null, null, CancellationToken.None);
        var url = await Files(csms).IssueDownloadAsync(stored.Id, null, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        Assert.StartsWith("https://127.0.0.1:", url.Url, StringComparison.Ordinal);

        // The built-in CA's server certificate; a station trusts the CSMS root it was given.
        X509Certificate2? served = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                served = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.RawData);
                return certificate is not null;
            },
        };
        using var station = new HttpClient(handler);
        Assert.Equal(content, await station.GetByteArrayAsync(url.Url));
        Assert.NotNull(served);
        served.Dispose();
    }
}
