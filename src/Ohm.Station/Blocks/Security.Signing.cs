using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Certificates;

namespace Ohm.Station.Blocks;

/// <summary>What a station asks the CSMS to sign: its certificate for the CSMS connection, its V2G certificate, or one for both.</summary>
public enum SigningRequestKind
{
    /// <summary>SignCertificate with certificateType ChargingStationCertificate (TriggerMessage SignChargingStationCertificate).</summary>
    ChargingStation,

    /// <summary>SignCertificate with certificateType V2GCertificate (TriggerMessage SignV2GCertificate).</summary>
    V2G,

    /// <summary>SignCertificate without a certificateType: one certificate for both (TriggerMessage SignCombinedCertificate).</summary>
    Combined,
}

/// <summary>A02/A03: the station's key pairs, CSRs, SignCertificate with its retries, and CertificateSigned.</summary>
public sealed partial class Security
{
    private const string PendingKeyPrefix = "pending-";
    private readonly Lock _pendingLock = new();
    private readonly Dictionary<SigningRequestKind, PendingCsr> _pending = [];
    private DateTimeOffset _nextRenewalCheck = DateTimeOffset.MinValue;

    /// <summary>The kinds of certificate whose CSR awaits its CertificateSigned.</summary>
    public IReadOnlyCollection<SigningRequestKind> PendingRequests
    {
        get
        {
            lock (_pendingLock)
            {
                return [.. _pending.Keys];
            }
        }
    }

    /// <summary>
    /// A02/A03: makes a key pair (ECDSA P-256) and a CSR and sends SignCertificate, in the background; false when a CSR
    /// of that kind awaits its certificate already (it is not sent twice).
    /// </summary>
    public bool RequestCertificate(SigningRequestKind kind)
    {
        var pending = new PendingCsr(kind);
        lock (_pendingLock)
        {
            if (!_pending.TryAdd(kind, pending))
            {
                return false;
            }
        }

        _context.Background.Run("SignCertificate " + kind, () => SendCsrAsync(pending));
        return true;
    }

    /// <summary>A03: asks for a new certificate when an installed one of the station's expires within SecurityCtrlr.CertificateRenewalWindowDays; checked hourly while online.</summary>
    internal void Tick(DateTimeOffset now)
    {
        if (now < _nextRenewalCheck || !_context.IsOnline)
        {
            return;
        }

        _nextRenewalCheck = now.AddHours(1);
        var window = TimeSpan.FromDays(_context.Model.Number("SecurityCtrlr", "CertificateRenewalWindowDays", 30));
        foreach (var (use, kind) in new[] { (CertificateUse.ChargingStationCertificate, SigningRequestKind.ChargingStation), (CertificateUse.V2GCertificateChain, SigningRequestKind.V2G) })
        {
            var installed = Certificates.List(use);
            var newest = installed.Count > 0 ? installed[^1] : null;
            if (newest is not null && new DateTimeOffset(newest.Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero) - now <= window && RequestCertificate(kind))
            {
                _context.Report($"the {use} expires {newest.Certificate.NotAfter:u}: renewing it (A03)");
            }
        }
    }

    // A02, A03
    internal ValueTask<CertificateSignedResponse> CertificateSigned(CertificateSignedRequest request, OcppCallContext? context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v2g = request.CertificateType == CertificateSigningUseEnumType.V2GCertificate;
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(request.CertificateChain);
        }
        catch (CryptographicException ex)
        {
            return ValueTask.FromResult(Refuse(v2g, "InvalidChain", "the certificate chain is not PEM X.509: " + ex.Message));
        }

        if (chain.Count == 0)
        {
            return ValueTask.FromResult(Refuse(v2g, "InvalidChain", "the certificate chain holds no certificate"));
        }

        if (_context.Model.Number("SecurityCtrlr", "MaxCertificateChainSize", int.MaxValue) < request.CertificateChain.Length)
        {
            return ValueTask.FromResult(Refuse(v2g, "ChainTooLong", "the certificate chain is longer than SecurityCtrlr.MaxCertificateChainSize"));
        }

        var leaf = chain[0];
        var subCas = chain.Skip(1).ToList();

        // A02.FR.05: the certificate must hold the public key of a CSR the station sent (of a kind the certificateType allows).
        var kinds = request.CertificateType switch
        {
            CertificateSigningUseEnumType.V2GCertificate => new[] { SigningRequestKind.V2G },
            CertificateSigningUseEnumType.ChargingStationCertificate => [SigningRequestKind.ChargingStation, SigningRequestKind.Combined],
            _ => [SigningRequestKind.ChargingStation, SigningRequestKind.Combined, SigningRequestKind.V2G],
        };
        var leafKey = leaf.PublicKey.ExportSubjectPublicKeyInfo();
        PendingCsr? pending;
        lock (_pendingLock)
        {
            pending = kinds.Select(k => _pending.GetValueOrDefault(k)).FirstOrDefault(p => p?.PublicKey is { } key && key.AsSpan().SequenceEqual(leafKey));
            if (pending is not null)
            {
                // The CSMS answered this CSR: whatever the outcome, it is no longer awaited.
                _pending.Remove(pending.Kind);
                pending.Answered();
            }
        }

        v2g = pending?.Kind == SigningRequestKind.V2G || v2g;
        if (pending is null)
        {
            return ValueTask.FromResult(Refuse(v2g, "NoMatchingRequest", $"the certificate {leaf.Subject} does not hold the public key of a pending certificate signing request"));
        }

        var problem = Check(leaf, subCas, v2g ? Certificates.Roots(CertificateUse.V2GRootCertificate) : CsmsRoots);
        if (problem is not null)
        {
            Keys.Delete(pending.KeyName);
            return ValueTask.FromResult(Refuse(v2g, problem.Value.Reason, $"{leaf.Subject}: {problem.Value.Detail}"));
        }

        var uses = pending.Kind switch
        {
            SigningRequestKind.V2G => new[] { CertificateUse.V2GCertificateChain },
            SigningRequestKind.Combined => [CertificateUse.ChargingStationCertificate, CertificateUse.V2GCertificateChain],
            _ => [CertificateUse.ChargingStationCertificate],
        };
        using (var key = Keys.Load(pending.KeyName))
        {
            if (key is null)
            {
                return ValueTask.FromResult(Refuse(v2g, "KeyMissing", "the private key of the request is gone"));
            }

            foreach (var use in uses)
            {
                var installed = Certificates.Install(use, leaf, subCas);
                Keys.Save(CertificateStore.KeyName(installed), key);
                RetireOlder(installed);
            }
        }

        Keys.Delete(pending.KeyName);
        UpdateCertificateEntries();
        _context.Report($"installed the signed certificate {leaf.Subject} (valid {leaf.NotBefore:u} to {leaf.NotAfter:u}) as {string.Join(", ", uses)}");

        // A02.FR.07 (libocpp likewise): the new certificate is used from the next connection on, so a profile 3
        // connection reconnects with it once this answer is out.
        if (uses.Contains(CertificateUse.ChargingStationCertificate) && PresentedClientCertificate && context?.Connection is { } connection)
        {
            _context.Background.Run("reconnect with the new certificate", async () =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), _context.Clock, _context.Stopping).ConfigureAwait(false);
                _context.Report("reconnecting with the new ChargingStationCertificate");
                await connection.CloseAsync().ConfigureAwait(false);
            });
        }

        return ValueTask.FromResult(new CertificateSignedResponse { Status = CertificateSignedStatusEnumType.Accepted });
    }

    private static X509ChainPolicy Policy(IReadOnlyList<X509Certificate2> roots, IReadOnlyList<X509Certificate2> subCas, DateTime at)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
            VerificationTime = at,
            VerificationTimeIgnored = false,
        };
        policy.CustomTrustStore.AddRange(roots.ToArray());
        policy.ExtraStore.AddRange(subCas.ToArray());
        return policy;
    }

    /// <summary>A02.FR.06: the chain parses, is valid by the station's clock (or becomes valid later: then it is used from then on) and chains to <paramref name="roots"/>.</summary>
    private (string Reason, string Detail)? Check(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> subCas, IReadOnlyList<X509Certificate2> roots)
    {
        var now = _context.Now.UtcDateTime;
        if (leaf.NotAfter.ToUniversalTime() < now)
        {
            return ("CertificateExpired", $"expired {leaf.NotAfter:u}");
        }

        if (roots.Count == 0)
        {
            return ("NoRootCertificate", "no root certificate is installed to check it against");
        }

        var at = leaf.NotBefore.ToUniversalTime() > now ? leaf.NotBefore.ToUniversalTime() : now;
        using var chain = new X509Chain { ChainPolicy = Policy(roots, subCas, at) };
        if (!chain.Build(leaf))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
            return ("InvalidChain", "does not chain to an installed root (" + status + ")");
        }

        return null;
    }

    /// <summary>Keeps the new certificate and, while it is not valid yet, the one in use; older ones of that use go with their keys.</summary>
    private void RetireOlder(InstalledCertificate installed)
    {
        var now = _context.Now;
        var active = installed.Certificate.NotBefore.ToUniversalTime() <= now.UtcDateTime ? null : Certificates.Active(installed.Use, now)?.Installed;
        foreach (var old in Certificates.List(installed.Use).Where(c => c.Id != installed.Id && c.Id != active?.Id))
        {
            Certificates.Remove(old);
        }
    }

    private CertificateSignedResponse Refuse(bool v2g, string reason, string detail)
    {
        _context.Report("CertificateSigned rejected: " + detail);
        _events.Raise(v2g ? "InvalidV2GChargingStationCertificate" : "InvalidChargingStationCertificate", detail);
        return new CertificateSignedResponse
        {
            Status = CertificateSignedStatusEnumType.Rejected,
            StatusInfo = new StatusInfoType { ReasonCode = reason, AdditionalInfo = detail.Length > 512 ? detail[..512] : detail },
        };
    }

    private async Task SendCsrAsync(PendingCsr pending)
    {
        var repeat = Math.Max(0, _context.Model.Number("SecurityCtrlr", "CertSigningRepeatTimes", 3));
        var wait = TimeSpan.FromSeconds(Math.Max(1, _context.Model.Number("SecurityCtrlr", "CertSigningWaitMinimum", 60)));
        for (var attempt = 0; attempt <= repeat; attempt++)
        {
            string csr;
            using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            {
                // Each CSR has a key of its own; the key of one left unanswered is discarded (never reused).
                Keys.Save(pending.KeyName, key);
                csr = Csr(key, pending.Kind);
                lock (_pendingLock)
                {
                    if (!pending.IsAwaited)
                    {
                        return;
                    }

                    pending.PublicKey = key.ExportSubjectPublicKeyInfo();
                }
            }

            SignCertificateResponse response;
            try
            {
                response = await _context.CallAsync(new SignCertificateRequest
                {
                    Csr = csr,
                    CertificateType = pending.Kind switch
                    {
                        SigningRequestKind.ChargingStation => CertificateSigningUseEnumType.ChargingStationCertificate,
                        SigningRequestKind.V2G => CertificateSigningUseEnumType.V2GCertificate,
                        _ => null,
                    },
                }, _context.Stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OcppConnectionClosedException or OcppCallTimeoutException or OcppCallErrorException or InvalidOperationException or OperationCanceledException)
            {
                _context.Report("SignCertificate failed: " + ex.Message);
                Abandon(pending);
                return;
            }

            if (response.Status != GenericStatusEnumType.Accepted)
            {
                _context.Report($"SignCertificate {pending.Kind} rejected by the CSMS{(response.StatusInfo is { } info ? ": " + info.ReasonCode : "")}");
                Abandon(pending);
                return;
            }

            // A02.FR.17/18: no CertificateSigned within CertSigningWaitMinimum: again, the wait doubling each time, at most CertSigningRepeatTimes times.
            var delay = wait * Math.Pow(2, attempt);
            await Task.WhenAny(Task.Delay(delay, _context.Clock, _context.Stopping), pending.AnsweredTask).ConfigureAwait(false);
            if (!pending.IsAwaited)
            {
                return;
            }

            if (_context.Stopping.IsCancellationRequested)
            {
                break;
            }

            _context.Report($"no CertificateSigned within {delay.TotalSeconds:0} s" + (attempt < repeat ? ": sending SignCertificate again" : ": giving up"));
        }

        Abandon(pending);
    }

    /// <summary>Forgets a CSR no CertificateSigned answered, with its key.</summary>
    private void Abandon(PendingCsr pending)
    {
        lock (_pendingLock)
        {
            if (_pending.GetValueOrDefault(pending.Kind) == pending)
            {
                _pending.Remove(pending.Kind);
            }

            pending.Answered();
        }

        Keys.Delete(pending.KeyName);
    }

    private void DiscardPendingKeys()
    {
        lock (_pendingLock)
        {
            foreach (var kind in Enum.GetValues<SigningRequestKind>())
            {
                if (!_pending.ContainsKey(kind))
                {
                    Keys.Delete(PendingKeyPrefix + kind);
                }
            }
        }
    }

    /// <summary>The CSR: CN the station's identity (SecurityCtrlr.Identity, else the station id; for V2G ISO15118Ctrlr.SeccId first), O SecurityCtrlr.OrganizationName.</summary>
    private string Csr(ECDsa key, SigningRequestKind kind)
    {
        var model = _context.Model;
        var identity = model.Value("SecurityCtrlr", "Identity") is { Length: > 0 } id ? id : _options.StationId;
        var commonName = kind == SigningRequestKind.V2G && model.Value("ISO15118Ctrlr", "SeccId") is { Length: > 0 } secc ? secc : identity;
        var organization = (kind == SigningRequestKind.V2G ? model.Value("ISO15118Ctrlr", "OrganizationName") : null) is { Length: > 0 } v2gOrg
            ? v2gOrg
            : model.Value("SecurityCtrlr", "OrganizationName");
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName(commonName);
        if (organization is { Length: > 0 })
        {
            name.AddOrganizationName(organization);
        }

        if (model.Value("ISO15118Ctrlr", "CountryName") is { Length: 2 } country)
        {
            name.AddCountryOrRegion(country);
        }

        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        if (kind != SigningRequestKind.V2G)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(Ohm.Ocpp.Transport.X509KeyUsageOids.ClientAuth)], false));
        }

        return request.CreateSigningRequestPem();
    }

    /// <summary>A CSR awaiting its CertificateSigned: its kind, the public key of its current key pair, and the wait for the answer.</summary>
    private sealed class PendingCsr(SigningRequestKind kind)
    {
        private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SigningRequestKind Kind { get; } = kind;

        public string KeyName => PendingKeyPrefix + Kind;

        public byte[]? PublicKey { get; set; }

        public bool IsAwaited => !_answered.Task.IsCompleted;

        /// <summary>Completes when a CertificateSigned answered the CSR (or it was given up).</summary>
        public Task AnsweredTask => _answered.Task;

        public void Answered() => _answered.TrySetResult();
    }
}
