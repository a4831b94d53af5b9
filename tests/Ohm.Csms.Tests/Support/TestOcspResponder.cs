using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ohm.Ocpp.Messages;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using BcCertificateParser = Org.BouncyCastle.X509.X509CertificateParser;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Ohm.Csms.Tests.Support;

/// <summary>
/// A real OCSP responder (RFC 6960) on a loopback port, for the tests of both roles: it answers POSTed OCSP requests for
/// the certificates of one CA, Good unless their serial was revoked (<see cref="Revoke"/>), Unknown for another CA's,
/// with responses BouncyCastle builds and signs with the CA's key (or a delegated OCSP signer, or a wrong key for the
/// tests of a bad signature), valid from the clock's now for <see cref="Validity"/>. Self-contained: it needs only the
/// CA certificate with its private key. <see cref="AnswerFor"/> adds more CAs (a root and its sub-CA behind one
/// responder URL, as a mobility operator's contract chain names it); each answer is signed by the CA it is about. <see cref="RequestDataFor"/> gives the OCPP OCSPRequestData of a certificate.
/// </summary>
public sealed class TestOcspResponder : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<(BcCertificate Certificate, AsymmetricKeyParameter Key, string Algorithm)> _issuers = [];
    private readonly ConcurrentDictionary<BcBigInteger, bool> _revoked = new();
    private readonly Func<DateTimeOffset> _now;
    private readonly Task _loop;
    private BcCertificate? _signer;
    private AsymmetricKeyParameter? _signingKey;
    private string? _signatureAlgorithm;
    private bool _signerChosen;
    private int _requests;

    /// <param name="issuer">
    /// The CA whose certificates it answers for, with its private key (RSA or ECDSA); null when the CAs come later through
    /// <see cref="AnswerFor"/> (a CA that must name this responder's <see cref="Url"/>). Until there is one, requests are answered unauthorized.
    /// </param>
    /// <param name="now">The clock of thisUpdate/nextUpdate; the wall clock when null. Pass the test's fake clock.</param>
    public TestOcspResponder(X509Certificate2? issuer, Func<DateTimeOffset>? now = null)
    {
        if (issuer is not null)
        {
            _signer = new BcCertificateParser().ReadCertificate(issuer.RawData);
            (_signingKey, _signatureAlgorithm) = PrivateKeyOf(issuer);
            _issuers.Add((_signer, _signingKey, _signatureAlgorithm));
        }

        _now = now ?? (() => DateTimeOffset.UtcNow);
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/ocsp";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The responder's URL, as a certificate's AIA or an OCSPRequestData's responderURL names it.</summary>
    public string Url { get; }

    /// <summary>How long an answer is valid (nextUpdate - thisUpdate). Default one hour.</summary>
    public TimeSpan Validity { get; set; } = TimeSpan.FromHours(1);

    /// <summary>OCSP requests answered so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>When set, every request is answered with this HTTP status and no body.</summary>
    public HttpStatusCode? FailWith { get; set; }

    /// <summary>Marks a certificate of the CA revoked (keyCompromise).</summary>
    public void Revoke(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        _revoked[new BcBigInteger(certificate.SerialNumber, 16)] = true;
    }

    /// <summary>Answers for the certificates of <paramref name="issuer"/> (with its private key) too, signed by it.</summary>
    public void AnswerFor(X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var (key, algorithm) = PrivateKeyOf(issuer);
        lock (_issuers)
        {
            _issuers.Add((new BcCertificateParser().ReadCertificate(issuer.RawData), key, algorithm));
        }
    }

    /// <summary>Signs the responses with a delegated OCSP signer (a certificate with the OCSP-signing usage and its key) from now on.</summary>
    public void SignWith(X509Certificate2 signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        _signer = new BcCertificateParser().ReadCertificate(signer.RawData);
        (_signingKey, _signatureAlgorithm) = PrivateKeyOf(signer);
        _signerChosen = true;
    }

    /// <summary>Signs the responses with a fresh key that matches no certificate the response carries (a forged answer).</summary>
    public void SignWithWrongKey()
    {
        using var rsa = RSA.Create(2048);
        _signingKey = PrivateKeyFactory.CreateKey(rsa.ExportPkcs8PrivateKey());
        _signatureAlgorithm = "SHA256WITHRSA";
        _signerChosen = true;
    }

    /// <summary>A certificate of <paramref name="issuer"/> with the OCSP-signing usage, for <see cref="SignWith"/>.</summary>
    public static X509Certificate2 CreateDelegatedSigner(X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Test OCSP signer", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.9")], true));
        using var signed = request.Create(issuer, issuer.NotBefore, issuer.NotAfter, RandomNumberGenerator.GetBytes(12));
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }

    /// <summary>The OCPP OCSPRequestData of <paramref name="certificate"/> issued by <paramref name="issuer"/>, asking <paramref name="responderUrl"/>.</summary>
    public static OCSPRequestDataType RequestDataFor(X509Certificate2 certificate, X509Certificate2 issuer, string responderUrl, HashAlgorithmEnumType algorithm = HashAlgorithmEnumType.SHA256)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(issuer);
        Func<byte[], byte[]> hash = algorithm switch
        {
            HashAlgorithmEnumType.SHA384 => SHA384.HashData,
            HashAlgorithmEnumType.SHA512 => SHA512.HashData,
            _ => SHA256.HashData,
        };
        return new OCSPRequestDataType
        {
            HashAlgorithm = algorithm,
            IssuerNameHash = Convert.ToHexStringLower(hash(issuer.SubjectName.RawData)),
            IssuerKeyHash = Convert.ToHexStringLower(hash(issuer.PublicKey.EncodedKeyValue.RawData)),
            SerialNumber = certificate.SerialNumber.TrimStart('0') is { Length: > 0 } serial ? serial : "0",
            ResponderURL = responderUrl,
        };
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await AnswerAsync(context);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // the client went away
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        using var response = context.Response;
        if (FailWith is { } status)
        {
            response.StatusCode = (int)status;
            return;
        }

        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        byte[] answer;
        try
        {
            answer = Answer(new OcspReq(body.ToArray()));
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidCastException)
        {
            answer = new OCSPRespGenerator().Generate(OcspRespStatus.MalformedRequest, null).GetEncoded();
        }

        response.ContentType = "application/ocsp-response";
        response.ContentLength64 = answer.Length;
        await response.OutputStream.WriteAsync(answer);
    }

    private byte[] Answer(OcspReq request)
    {
        var now = _now().UtcDateTime;
        List<(BcCertificate Certificate, AsymmetricKeyParameter Key, string Algorithm)> issuers;
        lock (_issuers)
        {
            issuers = [.. _issuers];
        }

        if (issuers.Count == 0 && !_signerChosen)
        {
            return new OCSPRespGenerator().Generate(OcspRespStatus.Unauthorized, null).GetEncoded();
        }

        var answers = new List<(CertificateID Id, CertificateStatus Status, int Issuer)>();
        foreach (var asked in request.GetRequestList())
        {
            var id = asked.GetCertID();
            var issuer = issuers.FindIndex(i =>
                DigestUtilities.CalculateDigest(id.HashAlgOid, i.Certificate.SubjectDN.GetEncoded()).AsSpan().SequenceEqual(id.GetIssuerNameHash())
                && DigestUtilities.CalculateDigest(id.HashAlgOid, i.Certificate.CertificateStructure.SubjectPublicKeyInfo.PublicKey.GetBytes()).AsSpan().SequenceEqual(id.GetIssuerKeyHash()));
            CertificateStatus status = issuer < 0
                ? new UnknownStatus()
                : _revoked.ContainsKey(id.SerialNumber) ? new RevokedStatus(now.AddMinutes(-1), CrlReason.KeyCompromise) : CertificateStatus.Good;
            answers.Add((id, status, issuer));
        }

        // Signed by the chosen signer, else by the CA the first answer is about (the first CA for an unknown one).
        var (signer, key, algorithm) = _signerChosen ? (_signer!, _signingKey!, _signatureAlgorithm!) : issuers[Math.Max(0, answers.FirstOrDefault(a => a.Issuer >= 0).Issuer)];
        var generator = new BasicOcspRespGenerator(signer.GetPublicKey());
        foreach (var (id, status, _) in answers)
        {
            generator.AddResponse(id, status, now, now + Validity, null);
        }

        var basic = generator.Generate(new Asn1SignatureFactory(algorithm, key), [signer], now);
        return new OCSPRespGenerator().Generate(OcspRespStatus.Successful, basic).GetEncoded();
    }

    private static (AsymmetricKeyParameter Key, string Algorithm) PrivateKeyOf(X509Certificate2 certificate)
    {
        if (certificate.GetRSAPrivateKey() is { } rsa)
        {
            using (rsa)
            {
                return (PrivateKeyFactory.CreateKey(ExportPkcs8(rsa)), "SHA256WITHRSA");
            }
        }

        using var ecdsa = certificate.GetECDsaPrivateKey() ?? throw new ArgumentException("The certificate has no RSA or ECDSA private key.", nameof(certificate));
        return (PrivateKeyFactory.CreateKey(ExportPkcs8(ecdsa)), "SHA256WITHECDSA");
    }

    /// <summary>PKCS#8 of a key that may be marked non-exportable in plain text (a loaded PFX): through an encrypted export.</summary>
    private static byte[] ExportPkcs8(AsymmetricAlgorithm key)
    {
        var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1);
        var encrypted = key.ExportEncryptedPkcs8PrivateKey("x", pbe);
        using AsymmetricAlgorithm copy = key is RSA ? RSA.Create() : ECDsa.Create();
        copy.ImportEncryptedPkcs8PrivateKey("x", encrypted, out _);
        return copy.ExportPkcs8PrivateKey();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
