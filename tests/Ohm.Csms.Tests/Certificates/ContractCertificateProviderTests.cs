using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Certificates;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests.Certificates;

/// <summary>M01/M02: Get15118EVCertificate forwarded over HTTP to a contract certificate provider, a loopback Kestrel fake here.</summary>
public sealed class ContractCertificateProviderTests
{
    // A Hubject-style certificate pool service on a loopback Kestrel port: records each request and answers as Answer says.
    private sealed class FakeProvider : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private bool _disposed;

        private FakeProvider(WebApplication app) => _app = app;

        public ConcurrentQueue<(string? Authorization, JsonElement Body)> Requests { get; } = new();

        /// <summary>How the next requests are answered: an HTTP status and a body, or null to hold the request until the client gives up.</summary>
        public (int Status, string Body)? Answer { get; set; } = (200, "{}");

        public string Url { get; private set; } = "";

        public static async Task<FakeProvider> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var provider = new FakeProvider(app);
            app.MapPost("/certificates/ev", async (HttpContext http) =>
            {
                using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
                provider.Requests.Enqueue((http.Request.Headers.Authorization.ToString(), body.RootElement.Clone()));
                if (provider.Answer is not { } answer)
                {
                    await Task.Delay(Timeout.Infinite, http.RequestAborted); // held until the CSMS's HttpClient times out and aborts
                    return;
                }

                http.Response.StatusCode = answer.Status;
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(answer.Body, http.RequestAborted);
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            provider.Url = address.TrimEnd('/') + "/certificates/ev";
            return provider;
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                await _app.StopAsync();
            }
            finally
            {
                await _app.DisposeAsync();
            }
        }
    }

    private static Get15118EVCertificateRequest Request(CertificateActionEnumType action) => new()
    {
        Iso15118SchemaVersion = "urn:iso:15118:2:2013:MsgDef",
        Action = action,
        ExiRequest = "gAGAwQ==",
    };

    [Fact]
    public async Task M01_M02_the_request_goes_to_the_provider_with_Basic_auth_and_its_exiResponse_comes_back_Accepted()
    {
        await using var provider = await FakeProvider.StartAsync();
        provider.Answer = (200, """{ "status": "Accepted", "exiResponse": "RVhJLVJFU1BPTlNF", "remainingContracts": 2 }""");
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite,
            ("Csms:ContractCertificates:Url", provider.Url), ("Csms:ContractCertificates:Username", "ohm"), ("Csms:ContractCertificates:Password", "pool-secret"));
        await using var station = await csms.BootedStationAsync("CS-M01");

        var install = await station.CallAsync(Request(CertificateActionEnumType.Install));
        Assert.Equal(Iso15118EVCertificateStatusEnumType.Accepted, install.Status);
        Assert.Equal("RVhJLVJFU1BPTlNF", install.ExiResponse);
        Assert.Null(install.StatusInfo);

        Assert.True(provider.Requests.TryDequeue(out var sent));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ohm:pool-secret")), sent.Authorization);
        Assert.Equal("CS-M01", sent.Body.GetProperty("stationId").GetString());
        Assert.Equal("Install", sent.Body.GetProperty("action").GetString());
        Assert.Equal("urn:iso:15118:2:2013:MsgDef", sent.Body.GetProperty("iso15118SchemaVersion").GetString());
        Assert.Equal("gAGAwQ==", sent.Body.GetProperty("exiRequest").GetString());

        var update = await station.CallAsync(Request(CertificateActionEnumType.Update)); // M02
        Assert.Equal(Iso15118EVCertificateStatusEnumType.Accepted, update.Status);
        Assert.True(provider.Requests.TryDequeue(out sent));
        Assert.Equal("Update", sent.Body.GetProperty("action").GetString());
    }

    [Fact]
    public async Task M01_a_provider_that_answers_Failed_an_HTTP_error_or_another_shape_is_answered_Failed_saying_which()
    {
        await using var provider = await FakeProvider.StartAsync();
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:ContractCertificates:Url", provider.Url), ("Csms:ContractCertificates:BearerToken", "pool-token"));
        await using var station = await csms.BootedStationAsync("CS-M01F");

        provider.Answer = (200, """{ "status": "Failed", "exiResponse": "RVhJLUZBSUxFRA==" }""");
        var failed = await station.CallAsync(Request(CertificateActionEnumType.Install));
        Assert.Equal(Iso15118EVCertificateStatusEnumType.Failed, failed.Status);
        Assert.Equal("RVhJLUZBSUxFRA==", failed.ExiResponse); // ISO 15118's own failure response passed on
        Assert.Equal(HttpContractCertificateProvider.FailedReason, failed.StatusInfo?.ReasonCode);
        Assert.True(provider.Requests.TryDequeue(out var sent));
        Assert.Equal("Bearer pool-token", sent.Authorization);

        provider.Answer = (503, """{ "error": "maintenance" }""");
        var error = await station.CallAsync(Request(CertificateActionEnumType.Install));
        Assert.Equal(Iso15118EVCertificateStatusEnumType.Failed, error.Status);
        Assert.Equal("", error.ExiResponse);
        Assert.Equal(HttpContractCertificateProvider.UnreachableReason, error.StatusInfo?.ReasonCode);
        Assert.Contains("503", error.StatusInfo?.AdditionalInfo, StringComparison.Ordinal);

        provider.Answer = (200, """{ "status": "Accepted" }""");
        var shapeless = await station.CallAsync(Request(CertificateActionEnumType.Install));
        Assert.Equal(Iso15118EVCertificateStatusEnumType.Failed, shapeless.Status);
        Assert.Equal(HttpContractCertificateProvider.BadAnswerReason, shapeless.StatusInfo?.ReasonCode);

        provider.Answer = (200, "<html>not json</html>");
        var notJson = await station.CallAsync(Request(CertificateActionEnumType.Install));
        Assert.Equal(HttpContractCertificateProvider.BadAnswerReason, notJson.StatusInfo?.ReasonCode);
        Assert.Contains("not JSON", notJson.StatusInfo?.AdditionalInfo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task M01_a_provider_that_does_not_answer_within_TimeoutSeconds_is_answered_Failed_and_one_that_is_not_listening_too()
    {
        await using var provider = await FakeProvider.StartAsync();
        provider.Answer = null;
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:ContractCertificates:Url", provider.Url), ("Csms:ContractCertificates:TimeoutSeconds", "1"));
        await using var station = await csms.BootedStationAsync("CS-M01T");

        var timedOut = await station.CallAsync(Request(CertificateActionEnumType.Install));
        Assert.Equal(Iso15118EVCertificateStatusEnumType.Failed, timedOut.Status);
        Assert.Equal(HttpContractCertificateProvider.UnreachableReason, timedOut.StatusInfo?.ReasonCode);
        Assert.Contains("did not answer within 1 s", timedOut.StatusInfo?.AdditionalInfo, StringComparison.Ordinal);
        Assert.Single(provider.Requests);

        await provider.DisposeAsync(); // nothing listens on its port any more
        var unreachable = await station.CallAsync(Request(CertificateActionEnumType.Install));
        Assert.Equal(Iso15118EVCertificateStatusEnumType.Failed, unreachable.Status);
        Assert.Equal(HttpContractCertificateProvider.UnreachableReason, unreachable.StatusInfo?.ReasonCode);
        Assert.Contains("could not be reached", unreachable.StatusInfo?.AdditionalInfo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task M01_without_a_provider_configured_Get15118EVCertificate_is_answered_Failed_saying_so()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-M01N");

        var answer = await station.CallAsync(Request(CertificateActionEnumType.Install));

        Assert.Equal(Iso15118EVCertificateStatusEnumType.Failed, answer.Status);
        Assert.Equal("", answer.ExiResponse);
        Assert.Equal(Ohm.Csms.Blocks.Iso15118Certificates.NoProviderReason, answer.StatusInfo?.ReasonCode);
        Assert.Contains("Csms:ContractCertificates:Url", answer.StatusInfo?.AdditionalInfo, StringComparison.Ordinal);
    }
}
