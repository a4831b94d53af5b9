using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Certificates;

/// <summary>
/// The contract certificate provider over HTTP (Csms:ContractCertificates:Url): POSTs
/// <c>{ stationId, iso15118SchemaVersion, action, exiRequest, maximumContractCertificateChains, prioritizedEMAIDs }</c>
/// as JSON, with Basic or Bearer authentication, and reads <c>{ status: "Accepted"|"Failed", exiResponse, remainingContracts? }</c>.
/// The last two request fields are OCPP 2.1's and are null from a 2.0.1 station; remainingContracts has no place in a
/// 2.0.1 answer and is not passed on. An HTTP error, a timeout or an answer of another shape is answered Failed, saying so.
/// </summary>
public sealed partial class HttpContractCertificateProvider : IContractCertificateProvider, IDisposable
{
    /// <summary>reasonCode: the provider could not be reached, timed out or answered an HTTP error.</summary>
    public const string UnreachableReason = "ProviderUnreachable";

    /// <summary>reasonCode: the provider's answer is not of the documented shape.</summary>
    public const string BadAnswerReason = "ProviderBadAnswer";

    /// <summary>reasonCode: the provider answered Failed.</summary>
    public const string FailedReason = "ProviderFailed";

    /// <summary>The exiResponse a Get15118EVCertificateResponse may carry at most (the schema's maxLength).</summary>
    public const int MaxExiResponseLength = 5600;

    private const int MaxAnswerBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly ILogger<HttpContractCertificateProvider> _logger;

    public HttpContractCertificateProvider(ContractCertificatesOptions options, ILogger<HttpContractCertificateProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _url = new Uri(options.Url ?? throw new ArgumentException("Csms:ContractCertificates:Url is not set.", nameof(options)));
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            MaxResponseContentBufferSize = MaxAnswerBytes,
        };
        if (options.BearerToken is { Length: > 0 } token)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (options.Username is { Length: > 0 } user)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + options.Password)));
        }
    }

    // M01 Certificate installation EV, M02 Certificate update EV: forwarded to the provider.
    public async Task<Get15118EVCertificateResponse> GetAsync(string stationId, Get15118EVCertificateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject
        {
            ["stationId"] = stationId,
            ["iso15118SchemaVersion"] = request.Iso15118SchemaVersion,
            ["action"] = request.Action.ToWire(),
            ["exiRequest"] = request.ExiRequest,
            ["maximumContractCertificateChains"] = null,
            ["prioritizedEMAIDs"] = null,
        };
        string text;
        try
        {
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(_url, content, cancellationToken).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return Failed(UnreachableReason, $"The contract certificate provider answered HTTP {(int)response.StatusCode}.");
            }
        }
        catch (HttpRequestException ex)
        {
            return Failed(UnreachableReason, $"The contract certificate provider could not be reached: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(UnreachableReason, $"The contract certificate provider did not answer within {_http.Timeout.TotalSeconds:0} s.");
        }

        return Read(text);
    }

    public void Dispose() => _http.Dispose();

    private Get15118EVCertificateResponse Read(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            var exi = root.TryGetProperty("exiResponse", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            if (status == "Accepted" && exi is { Length: > 0 and <= MaxExiResponseLength })
            {
                return new Get15118EVCertificateResponse { Status = Iso15118EVCertificateStatusEnumType.Accepted, ExiResponse = exi };
            }

            if (status == "Failed")
            {
                // ISO 15118 carries the reason of a failed installation in the EXI response itself, which is passed on.
                return new Get15118EVCertificateResponse
                {
                    Status = Iso15118EVCertificateStatusEnumType.Failed,
                    ExiResponse = exi is { Length: <= MaxExiResponseLength } ? exi : "",
                    StatusInfo = new StatusInfoType { ReasonCode = FailedReason, AdditionalInfo = "The contract certificate provider answered Failed." },
                };
            }

            return Failed(BadAnswerReason, status == "Accepted"
                ? $"The contract certificate provider answered Accepted without an exiResponse of 1 to {MaxExiResponseLength} characters."
                : "The contract certificate provider's answer has no status Accepted or Failed.");
        }
        catch (JsonException)
        {
            return Failed(BadAnswerReason, "The contract certificate provider's answer is not JSON.");
        }
    }

    private Get15118EVCertificateResponse Failed(string reason, string detail)
    {
        LogFailed(reason, detail);
        return new Get15118EVCertificateResponse
        {
            Status = Iso15118EVCertificateStatusEnumType.Failed,
            ExiResponse = "",
            StatusInfo = new StatusInfoType { ReasonCode = reason, AdditionalInfo = detail.Length > 512 ? detail[..512] : detail },
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Get15118EVCertificate failed at the contract certificate provider: {Reason}: {Detail}")]
    private partial void LogFailed(string reason, string detail);
}
