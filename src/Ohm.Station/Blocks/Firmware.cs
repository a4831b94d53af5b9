using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Certificates;
using Ohm.Station.Context;
using Ohm.Station.Hardware;

namespace Ohm.Station.Blocks;

/// <summary>
/// L: firmware management on the station. UpdateFirmware (L01 signed, L02 unsigned): the image is downloaded over
/// HTTP(S) at retrieveDateTime with the request's retries, its signature checked with the signing certificate (which must
/// chain to an installed ManufacturerRootCertificate), and installed through <see cref="IFirmwareInstaller"/> at
/// installDateTime once no transaction runs, the EVSEs Unavailable meanwhile; then the station reboots into the new
/// firmware. Every step is a FirmwareStatusNotification, in order. The update is persisted at each step, so a restart
/// resumes it (or, when it stopped mid-installation, reports InstallationFailed).
/// </summary>
public sealed class Firmware : IDisposable
{
    private const string Record = "firmware:update";
    private const string CodeSigning = "1.3.6.1.5.5.7.3.3";
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    private readonly IStationContext _context;
    private readonly IStateGate _gate;
    private readonly IStationLifecycle _lifecycle;
    private readonly Security _security;
    private readonly SecurityEvents _events;
    private readonly Availability _availability;
    private readonly Transactions _transactions;
    private readonly HttpClient _http;
    private readonly Lock _lock = new();
    private Update? _current;
    private CancellationTokenSource? _run;
    private TaskCompletionSource _transactionsEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _resume;

    internal Firmware(IStationContext context, IStateGate gate, IStationLifecycle lifecycle, Security security, SecurityEvents events, Availability availability, Transactions transactions)
    {
        _context = context;
        _gate = gate;
        _lifecycle = lifecycle;
        _security = security;
        _events = events;
        _availability = availability;
        _transactions = transactions;
        transactions.Ended += OnTransactionEnded;
#pragma warning disable CA2000 // The handler belongs to the client, disposed with it.
        var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = ValidateServer } };
#pragma warning restore CA2000
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = TimeSpan.FromMinutes(10) };
    }

    /// <summary>The status of the update in progress (or of the last one), null before any.</summary>
    public FirmwareStatusEnumType? Status
    {
        get
        {
            lock (_lock)
            {
                return _current?.Status;
            }
        }
    }

    /// <summary>The requestId of the update in progress (or of the last one), null before any.</summary>
    public int? RequestId
    {
        get
        {
            lock (_lock)
            {
                return _current?.RequestId;
            }
        }
    }

    /// <summary>Where downloaded images go: <c>&lt;data&gt;/firmware/</c>.</summary>
    internal string Folder => Path.Combine(Path.GetDirectoryName(_context.Store.Path)!, "firmware");

    /// <inheritdoc/>
    public void Dispose()
    {
        _http.Dispose();
    }

    // L01, L02
    internal async ValueTask<UpdateFirmwareResponse> UpdateFirmware(UpdateFirmwareRequest request, OcppCallContext? context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var firmware = request.Firmware;
        if (!Uri.TryCreate(firmware.Location, UriKind.Absolute, out var location) || location.Scheme is not ("http" or "https"))
        {
            return Answer(UpdateFirmwareStatusEnumType.Rejected, "UnsupportedProtocol", "the location is not an http or https URL");
        }

        if ((firmware.Signature is null) != (firmware.SigningCertificate is null))
        {
            return Answer(UpdateFirmwareStatusEnumType.Rejected, "MissingSignature", "a signed update takes both the signing certificate and the signature");
        }

        // L01.FR.02: the signing certificate must chain to an installed ManufacturerRootCertificate.
        if (firmware.SigningCertificate is { } pem && CheckSigningCertificate(pem) is { } problem)
        {
            _context.Report("UpdateFirmware refused: " + problem);
            _events.Raise(SecurityEventTypes.InvalidFirmwareSigningCertificate, problem);
            return Answer(UpdateFirmwareStatusEnumType.InvalidCertificate, "InvalidCertificate", problem);
        }

        var update = new Update
        {
            RequestId = request.RequestId,
            Location = firmware.Location,
            RetrieveAt = firmware.RetrieveDateTime,
            InstallAt = firmware.InstallDateTime,
            SigningCertificate = firmware.SigningCertificate,
            Signature = firmware.Signature,
            Retries = Math.Max(0, request.Retries ?? 0),
            RetryInterval = Math.Max(0, request.RetryInterval ?? 0),
        };

        var status = UpdateFirmwareStatusEnumType.Accepted;
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                if (_current is { } ongoing && !ongoing.Finished)
                {
                    // An installation under way cannot be stopped; anything before it is cancelled for the new request (L01.FR.24).
                    if (ongoing.Status is FirmwareStatusEnumType.Installing or FirmwareStatusEnumType.InstallRebooting)
                    {
                        return Answer(UpdateFirmwareStatusEnumType.Rejected, "InstallationOngoing", $"firmware update {ongoing.RequestId} is installing");
                    }

                    _run?.Cancel();
                    status = UpdateFirmwareStatusEnumType.AcceptedCanceled;
                    _context.Report($"firmware update {ongoing.RequestId} cancelled for {request.RequestId}");

                    // The EVSEs the cancelled update put out of use go back into use (the new update holds them when it installs).
                    foreach (var evse in ongoing.Held.Select(id => _context.Evses.GetValueOrDefault(id)).OfType<Evse>())
                    {
                        evse.Inoperative = false;
                        _context.SaveEvse(evse);
                        _availability.Update(evse);
                    }

                    ongoing.Held.Clear();
                    ongoing.Holding = false;
                }

                _current = update;
                Save(update);
            }
        }
        finally
        {
            _gate.Exit();
        }

        Start(update);
        return Answer(status);
    }

    /// <summary>F06: the FirmwareStatusNotification TriggerMessage asks for: Idle when nothing was done or the last update Installed (L01.FR.25), else the last status with its requestId (L01.FR.26).</summary>
    internal FirmwareStatusNotificationRequest TriggeredStatus()
    {
        lock (_lock)
        {
            return _current is { Status: { } status and not FirmwareStatusEnumType.Installed and not FirmwareStatusEnumType.Idle } update
                ? new FirmwareStatusNotificationRequest { Status = status, RequestId = update.RequestId }
                : new FirmwareStatusNotificationRequest { Status = FirmwareStatusEnumType.Idle };
        }
    }

    /// <summary>Reads the persisted update when the station (re)starts; one interrupted by a reboot or a crash goes on once the CSMS accepted the station.</summary>
    internal void Load()
    {
        lock (_lock)
        {
            if (_run is not null)
            {
                return; // an update runs on across an engine restart (a Reset): it reads the store afresh at each step
            }

            _current = _context.Store.GetRecord(Record) is { } json ? JsonSerializer.Deserialize<Update>(json, Json) : null;
            _resume = _current is { Finished: false };
            if (_current is { Status: FirmwareStatusEnumType.InstallRebooting })
            {
                _lifecycle.BootReason = BootReasonEnumType.FirmwareUpdate;
            }
        }
    }

    /// <summary>Called once the CSMS accepted the station after a start: finishes an update that rebooted, resumes one that was interrupted.</summary>
    internal void AfterAccepted()
    {
        Update? update;
        lock (_lock)
        {
            if (!_resume || _current is null)
            {
                return;
            }

            _resume = false;
            update = _current;
        }

        Start(update);
    }

    private void Start(Update update)
    {
        var run = CancellationTokenSource.CreateLinkedTokenSource(_context.Stopping);
        lock (_lock)
        {
            _run = run;
        }

        _context.Background.Run("firmware update " + update.RequestId.ToString(System.Globalization.CultureInfo.InvariantCulture), async () =>
        {
            var reboot = false;
            try
            {
                reboot = await RunAsync(update, run.Token).ConfigureAwait(false);
            }
            finally
            {
                lock (_lock)
                {
                    if (ReferenceEquals(_run, run))
                    {
                        _run = null;
                    }
                }

                run.Dispose();
            }

            if (reboot)
            {
                // After the run ended, so that the restarted engine picks the update up from the store.
                _context.Report("rebooting into the new firmware");
                _lifecycle.RequestRestart(BootReasonEnumType.FirmwareUpdate);
            }
        });
    }

    /// <summary>The update's state machine, from the step it stands at; true when the station must reboot into the new firmware.</summary>
    private async Task<bool> RunAsync(Update update, CancellationToken token)
    {
        switch (update.Status)
        {
            case FirmwareStatusEnumType.InstallRebooting:
                // L01: after the reboot into the new firmware, Installed, and the security event FirmwareUpdated (L01.FR.31).
                await ReleaseAsync(update).ConfigureAwait(false);
                await NotifyAsync(update, FirmwareStatusEnumType.Installed, token).ConfigureAwait(false);
                _events.Raise(SecurityEventTypes.FirmwareUpdated, $"firmware {_context.Hardware.Firmware.CurrentVersion} installed (request {update.RequestId})");
                return false;
            case FirmwareStatusEnumType.Installing:
                // The station went down while the installer ran: that installation did not complete.
                File.Delete(ImagePath(update));
                await FailAsync(update, FirmwareStatusEnumType.InstallationFailed, token).ConfigureAwait(false);
                return false;
            case FirmwareStatusEnumType.SignatureVerified or FirmwareStatusEnumType.InstallScheduled when File.Exists(ImagePath(update)):
                return await InstallAsync(update, ImagePath(update), token).ConfigureAwait(false);
        }

        // A restart after Downloaded goes on with the image it has (its signature is checked now).
        var image = update.Status == FirmwareStatusEnumType.Downloaded && File.Exists(ImagePath(update))
            ? ImagePath(update)
            : await DownloadAsync(update, token).ConfigureAwait(false);
        if (image is null)
        {
            return false;
        }

        // L01.FR.03/04: the signature over the image, with the signing certificate's key.
        if (update.Signature is { } signature && update.SigningCertificate is { } pem)
        {
            if (!VerifySignature(image, pem, signature))
            {
                File.Delete(image);
                await FailAsync(update, FirmwareStatusEnumType.InvalidSignature, token).ConfigureAwait(false);
                _events.Raise(SecurityEventTypes.InvalidFirmwareSignature, $"the signature of firmware request {update.RequestId} does not verify");
                return false;
            }

            await NotifyAsync(update, FirmwareStatusEnumType.SignatureVerified, token).ConfigureAwait(false);
        }

        return await InstallAsync(update, image, token).ConfigureAwait(false);
    }

    /// <summary>Downloading at retrieveDateTime with retries every retryInterval; the image's path, or null when every attempt failed (DownloadFailed).</summary>
    private async Task<string?> DownloadAsync(Update update, CancellationToken token)
    {
        if (update.RetrieveAt > _context.Now)
        {
            if (update.Status != FirmwareStatusEnumType.DownloadScheduled)
            {
                await NotifyAsync(update, FirmwareStatusEnumType.DownloadScheduled, token).ConfigureAwait(false);
            }

            await Task.Delay(update.RetrieveAt - _context.Now, _context.Clock, token).ConfigureAwait(false);
        }

        var target = ImagePath(update);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        while (true)
        {
            token.ThrowIfCancellationRequested();
            if (update.Status != FirmwareStatusEnumType.Downloading)
            {
                await NotifyAsync(update, FirmwareStatusEnumType.Downloading, token).ConfigureAwait(false);
            }

            string problem;
            try
            {
                await FetchAsync(new Uri(update.Location), target, token).ConfigureAwait(false);
                await NotifyAsync(update, FirmwareStatusEnumType.Downloaded, token).ConfigureAwait(false);
                return target;
            }
            catch (HttpRequestException ex)
            {
                problem = ex.StatusCode is { } code ? "HTTP " + (int)code : ex.Message;
            }
            catch (IOException ex)
            {
                problem = ex.Message;
            }
            catch (TaskCanceledException) when (!token.IsCancellationRequested)
            {
                problem = "timed out";
            }

            lock (_lock)
            {
                update.Attempts++;
                Save(update);
            }

            if (update.Attempts > update.Retries)
            {
                _context.Report($"firmware download {update.RequestId} failed after {update.Attempts} attempt(s): {problem}");
                await FailAsync(update, FirmwareStatusEnumType.DownloadFailed, token).ConfigureAwait(false);
                return null;
            }

            _context.Report($"firmware download {update.RequestId} failed ({problem}); attempt {update.Attempts + 1} in {update.RetryInterval} s");
            await Task.Delay(TimeSpan.FromSeconds(update.RetryInterval), _context.Clock, token).ConfigureAwait(false);
        }
    }

    /// <summary>GETs <paramref name="location"/> into <paramref name="target"/>, streamed through a .part file.</summary>
    private async Task FetchAsync(Uri location, string target, CancellationToken token)
    {
        var part = target + ".part";
        using (var response = await _http.GetAsync(location, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false))
        {
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var file = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                await using (file.ConfigureAwait(false))
                {
                    await body.CopyToAsync(file, token).ConfigureAwait(false);
                }
            }
        }

        File.Move(part, target, overwrite: true);
    }

    /// <summary>Installs at installDateTime once no transaction runs (InstallScheduled meanwhile, EVSEs Unavailable), then reboots into it.</summary>
    private async Task<bool> InstallAsync(Update update, string image, CancellationToken token)
    {
        if (update.InstallAt is { } at && at > _context.Now)
        {
            if (update.Status != FirmwareStatusEnumType.InstallScheduled)
            {
                await NotifyAsync(update, FirmwareStatusEnumType.InstallScheduled, token).ConfigureAwait(false);
            }

            await Task.Delay(at - _context.Now, _context.Clock, token).ConfigureAwait(false);
        }

        // L01.FR.06/07: wait for the transactions to end, the EVSEs not in use set Unavailable meanwhile.
        while (true)
        {
            Task ended;
            await _gate.EnterAsync(token).ConfigureAwait(false);
            try
            {
                Hold(update);
                if (!_transactions.AnyRunning)
                {
                    break;
                }

                _transactionsEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                ended = _transactionsEnded.Task;
            }
            finally
            {
                _gate.Exit();
            }

            if (update.Status != FirmwareStatusEnumType.InstallScheduled)
            {
                _context.Report($"firmware update {update.RequestId} waits for the transactions to end");
                await NotifyAsync(update, FirmwareStatusEnumType.InstallScheduled, token).ConfigureAwait(false);
            }

            await ended.WaitAsync(token).ConfigureAwait(false);
        }

        await NotifyAsync(update, FirmwareStatusEnumType.Installing, token).ConfigureAwait(false);
        FirmwareInstallResult result;
        try
        {
            // Cancelled only when the station stops (a new request cannot cancel an installation): the update stays
            // Installing in the store, and the next start reports InstallationFailed.
            result = await _context.Hardware.Firmware.InstallAsync(image, token).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            _context.Report("firmware installation failed: " + ex.Message);
            result = FirmwareInstallResult.Failed;
        }

        File.Delete(image);
        switch (result)
        {
            case FirmwareInstallResult.Installed:
                await ReleaseAsync(update).ConfigureAwait(false);
                await NotifyAsync(update, FirmwareStatusEnumType.Installed, CancellationToken.None).ConfigureAwait(false);
                _events.Raise(SecurityEventTypes.FirmwareUpdated, $"firmware {_context.Hardware.Firmware.CurrentVersion} installed (request {update.RequestId})");
                break;
            case FirmwareInstallResult.RebootRequired:
                // The status is persisted before the reboot: after it, Load and AfterAccepted finish with Installed.
                await NotifyAsync(update, FirmwareStatusEnumType.InstallRebooting, CancellationToken.None).ConfigureAwait(false);
                return true;
            case FirmwareInstallResult.VerificationFailed:
                await FailAsync(update, FirmwareStatusEnumType.InstallVerificationFailed, CancellationToken.None).ConfigureAwait(false);
                break;
            default:
                await FailAsync(update, FirmwareStatusEnumType.InstallationFailed, CancellationToken.None).ConfigureAwait(false);
                break;
        }

        return false;
    }

    /// <summary>An end state other than Installed: the EVSEs go back into use, the image is gone.</summary>
    private async Task FailAsync(Update update, FirmwareStatusEnumType status, CancellationToken token)
    {
        await ReleaseAsync(update).ConfigureAwait(false);
        await NotifyAsync(update, status, token).ConfigureAwait(false);
    }

    /// <summary>L01.FR.01: enters a state (persisted first) and tells the CSMS, with the requestId (L01.FR.20); offline, it is queued as QueueAllMessages says.</summary>
    private async Task NotifyAsync(Update update, FirmwareStatusEnumType status, CancellationToken token)
    {
        lock (_lock)
        {
            token.ThrowIfCancellationRequested();
            if (!ReferenceEquals(update, _current))
            {
                throw new OperationCanceledException("a newer firmware update replaced this one");
            }

            update.Status = status;
            Save(update);
        }

        _context.Report($"firmware {update.RequestId}: {status}");
        var notification = new FirmwareStatusNotificationRequest { Status = status, RequestId = update.RequestId };
        try
        {
            await _context.CallAsync(notification, _context.Stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OcppConnectionClosedException or InvalidOperationException)
        {
            _context.Enqueue(notification);
        }
        catch (Exception ex) when (ex is OcppCallErrorException or OcppCallTimeoutException)
        {
            _context.Report($"FirmwareStatusNotification {status} failed: {ex.Message}");
        }
    }

    /// <summary>Sets the EVSEs without a transaction Unavailable for the update and remembers them. Call under the gate.</summary>
    private void Hold(Update update)
    {
        var held = new List<int>();
        lock (_lock)
        {
            if (!ReferenceEquals(update, _current))
            {
                return;
            }

            foreach (var evse in _context.Evses.Values.Where(e => e.Transaction is null && !e.Inoperative))
            {
                evse.Inoperative = true;
                update.Held.Add(evse.Id);
                held.Add(evse.Id);
            }

            // The update's list is written first: a crash right after leaves no EVSE out of use that nobody gives back.
            update.Holding = true;
            Save(update);
        }

        foreach (var id in held)
        {
            _context.SaveEvse(_context.Evses[id]);
            _availability.Update(_context.Evses[id]);
        }
    }

    /// <summary>Puts the EVSEs the update held back into use.</summary>
    private async Task ReleaseAsync(Update update)
    {
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            List<int> held;
            lock (_lock)
            {
                update.Holding = false;
                held = [.. update.Held];
            }

            foreach (var id in held)
            {
                if (_context.Evses.TryGetValue(id, out var evse))
                {
                    evse.Inoperative = false;
                    _context.SaveEvse(evse);
                    _availability.Update(evse);
                }
            }

            lock (_lock)
            {
                update.Held.Clear();
                Save(update);
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Called under the gate when a transaction ended: its EVSE is held too, and the installation may go on.</summary>
    private void OnTransactionEnded()
    {
        Update? update;
        lock (_lock)
        {
            update = _current is { Finished: false, Holding: true } current ? current : null;
        }

        if (update is not null)
        {
            Hold(update);
        }

        _transactionsEnded.TrySetResult();
    }

    /// <summary>Persists the update. Call under <see cref="_lock"/>.</summary>
    private void Save(Update update)
    {
        if (ReferenceEquals(update, _current))
        {
            _context.Store.SetRecord(Record, JsonSerializer.Serialize(update, Json));
        }
    }

    private string ImagePath(Update update) => Path.Combine(Folder, "firmware-" + update.RequestId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".bin");

    /// <summary>L01.FR.02: why the signing certificate is not acceptable (not PEM, not chained to an installed ManufacturerRootCertificate at the station's time), or null.</summary>
    private string? CheckSigningCertificate(string pem)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            return "the signing certificate is not a PEM X.509 certificate: " + ex.Message;
        }

        if (collection.Count == 0)
        {
            return "the signing certificate holds no PEM certificate";
        }

        var roots = _security.Certificates.Roots(CertificateUse.ManufacturerRootCertificate);
        if (roots.Count == 0)
        {
            return "no ManufacturerRootCertificate is installed";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(collection.Skip(1).ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = _context.Now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(CodeSigning));
        if (chain.Build(collection[0]))
        {
            return null;
        }

        var why = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        return $"the signing certificate {collection[0].Subject} does not chain to an installed ManufacturerRootCertificate ({why})";
    }

    /// <summary>L01.FR.03: whether <paramref name="signature"/> (base64) is the signature over the file with the SHA-256 of the certificate's key (RSA PKCS#1 v1.5 or PSS, ECDSA DER or P1363).</summary>
    internal static bool VerifySignature(string path, string certificatePem, string signature)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(signature.Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        byte[] hash;
        using (var file = File.OpenRead(path))
        {
            hash = SHA256.HashData(file);
        }

        try
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPem(certificatePem);
            using var certificate = collection[0];
            using (var ecdsa = certificate.GetECDsaPublicKey())
            {
                if (ecdsa is not null)
                {
                    return ecdsa.VerifyHash(hash, bytes, DSASignatureFormat.Rfc3279DerSequence)
                        || ecdsa.VerifyHash(hash, bytes, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                }
            }

            using var rsa = certificate.GetRSAPublicKey();
            return rsa is not null
                && (rsa.VerifyHash(hash, bytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                    || rsa.VerifyHash(hash, bytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>An https download trusts the machine's roots, and the installed CSMSRootCertificates (the CSMS's own file service).</summary>
    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        return certificate is not null
            && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
            && _security.CsmsRoots.Any(root => Ohm.Ocpp.Transport.OcppTls.ChainsTo(certificate, root, Ohm.Ocpp.Transport.X509KeyUsageOids.ServerAuth));
    }

    private static UpdateFirmwareResponse Answer(UpdateFirmwareStatusEnumType status, string? reason = null, string? detail = null) => new()
    {
        Status = status,
        StatusInfo = reason is null ? null : new StatusInfoType { ReasonCode = reason, AdditionalInfo = detail is { Length: > 512 } ? detail[..512] : detail },
    };

    /// <summary>A firmware update as persisted: the request, the step it stands at, the download attempts made, the EVSEs it holds.</summary>
    private sealed class Update
    {
        public int RequestId { get; set; }

        public string Location { get; set; } = "";

        public DateTimeOffset RetrieveAt { get; set; }

        public DateTimeOffset? InstallAt { get; set; }

        public string? SigningCertificate { get; set; }

        public string? Signature { get; set; }

        public int Retries { get; set; }

        public int RetryInterval { get; set; }

        public FirmwareStatusEnumType? Status { get; set; }

        public int Attempts { get; set; }

        public List<int> Held { get; set; } = [];

        public bool Holding { get; set; }

        /// <summary>Whether the update reached an end state.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public bool Finished => Status is FirmwareStatusEnumType.Installed or FirmwareStatusEnumType.DownloadFailed or FirmwareStatusEnumType.InvalidSignature
            or FirmwareStatusEnumType.InstallationFailed or FirmwareStatusEnumType.InstallVerificationFailed;
    }
}
