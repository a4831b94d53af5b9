using System.Buffers;
using System.Buffers.Binary;

namespace Ohm.Csms.Server;

/// <summary>
/// Reads what a TLS ClientHello offers (RFC 8446 section 4.1.2, RFC 5246 section 7.4.1.2): its cipher suites, the
/// signature_algorithms extension and whether supported_versions names TLS 1.3; enough to serve an RSA or an ECDSA
/// certificate (OcppTlsSetup). A malformed or truncated hello parses as nothing offered.
/// </summary>
internal static class ClientHelloParser
{
    /// <summary>What the client offered.</summary>
    internal sealed record ClientHello(IReadOnlyList<ushort> CipherSuites, IReadOnlyList<ushort> SignatureAlgorithms, bool OffersTls13)
    {
        public static readonly ClientHello Empty = new([], [], false);

        /// <summary>Whether the handshake this hello leads to can be signed with an ECDSA certificate.</summary>
        public bool AcceptsEcdsa => OffersTls13
            ? SignatureAlgorithms.Any(s => (s & 0xFF) == 0x03 && s >> 8 is >= 0x04 and <= 0x06) // ecdsa_secp256r1_sha256 .. secp521r1_sha512
            : CipherSuites.Any(s => s is EcdheEcdsaAes128Gcm or EcdheEcdsaAes256Gcm);

        /// <summary>Whether it can be signed with an RSA certificate.</summary>
        public bool AcceptsRsa => OffersTls13
            ? SignatureAlgorithms.Any(s => s is >= 0x0804 and <= 0x0806 or 0x0401 or 0x0501 or 0x0601) // rsa_pss_rsae_*, rsa_pkcs1_*
            : CipherSuites.Any(s => s is EcdheRsaAes128Gcm or EcdheRsaAes256Gcm);
    }

    /// <summary>The TLS 1.2 suites OCPP 2.0.1 Part 2 (A00.FR.318, A00.FR.319) names, by their IANA numbers.</summary>
    public const ushort EcdheEcdsaAes128Gcm = 0xC02B, EcdheEcdsaAes256Gcm = 0xC02C, EcdheRsaAes128Gcm = 0xC02F, EcdheRsaAes256Gcm = 0xC030;

    private const byte HandshakeRecord = 22, ClientHelloType = 1;
    private const ushort SignatureAlgorithmsExtension = 13, SupportedVersionsExtension = 43, Tls13 = 0x0304;

    /// <summary>Parses the bytes Kestrel hands out: one or more TLS records starting with the ClientHello.</summary>
    public static ClientHello Parse(ReadOnlySequence<byte> bytes) => Parse(bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray());

    /// <inheritdoc cref="Parse(ReadOnlySequence{byte})"/>
    public static ClientHello Parse(ReadOnlySpan<byte> records)
    {
        // The handshake message may span records: join their payloads.
        var handshake = new List<byte>();
        while (records.Length >= 5 && records[0] == HandshakeRecord)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(records[3..]);
            var payload = records[5..];
            var take = Math.Min(length, payload.Length);
            handshake.AddRange(payload[..take]);
            records = payload[take..];
        }

        var reader = new Reader([.. handshake]);
        if (!reader.Byte(out var type) || type != ClientHelloType || !reader.Skip(3) // length
            || !reader.Skip(2 + 32) // legacy_version, random
            || !reader.Vector8(out _) // legacy_session_id
            || !reader.Vector16(out var suites) || !reader.Vector8(out _)) // cipher_suites, legacy_compression_methods
        {
            return ClientHello.Empty;
        }

        var cipherSuites = Pairs(suites);
        ushort[] signatureAlgorithms = [];
        var tls13 = false;
        if (reader.Vector16(out var extensions))
        {
            var ext = new Reader(extensions);
            while (ext.UInt16(out var extensionType) && ext.Vector16(out var data))
            {
                var inner = new Reader(data);
                if (extensionType == SignatureAlgorithmsExtension && inner.Vector16(out var algorithms))
                {
                    signatureAlgorithms = Pairs(algorithms);
                }
                else if (extensionType == SupportedVersionsExtension && inner.Vector8(out var versions))
                {
                    tls13 = Pairs(versions).Contains(Tls13);
                }
            }
        }

        return new ClientHello(cipherSuites, signatureAlgorithms, tls13);
    }

    private static ushort[] Pairs(byte[] data)
    {
        var values = new ushort[data.Length / 2];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(i * 2));
        }

        return values;
    }

    private struct Reader(byte[] data)
    {
        private int _at;

        public bool Byte(out byte value)
        {
            value = _at < data.Length ? data[_at] : (byte)0;
            return _at++ < data.Length;
        }

        public bool UInt16(out ushort value)
        {
            value = 0;
            if (_at + 2 > data.Length)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(_at));
            _at += 2;
            return true;
        }

        public bool Skip(int count)
        {
            _at += count;
            return _at <= data.Length;
        }

        public bool Vector8(out byte[] value) => Vector(Byte(out var length) ? length : -1, out value);

        public bool Vector16(out byte[] value) => Vector(UInt16(out var length) ? length : -1, out value);

        private bool Vector(int length, out byte[] value)
        {
            value = [];
            if (length < 0 || _at + length > data.Length)
            {
                return false;
            }

            value = data.AsSpan(_at, length).ToArray();
            _at += length;
            return true;
        }
    }
}
