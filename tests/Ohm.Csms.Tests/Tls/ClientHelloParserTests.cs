using Ohm.Csms.Server;

namespace Ohm.Csms.Tests.Tls;

/// <summary>The ClientHello reader that picks the RSA or the ECDSA certificate.</summary>
public sealed class ClientHelloParserTests
{
    private static byte[] U16(int value) => [(byte)(value >> 8), (byte)value];

    /// <summary>A TLS record holding a ClientHello with these suites and extensions, split over two records when asked.</summary>
    private static byte[] Hello(ushort[] suites, ushort[]? signatureAlgorithms = null, ushort[]? versions = null, bool split = false)
    {
        var extensions = new List<byte>();
        if (signatureAlgorithms is not null)
        {
            var list = signatureAlgorithms.SelectMany(s => U16(s)).ToArray();
            extensions.AddRange([.. U16(13), .. U16(list.Length + 2), .. U16(list.Length), .. list]);
        }

        if (versions is not null)
        {
            var list = versions.SelectMany(s => U16(s)).ToArray();
            extensions.AddRange([.. U16(43), .. U16(list.Length + 1), (byte)list.Length, .. list]);
        }

        var suiteBytes = suites.SelectMany(s => U16(s)).ToArray();
        byte[] body = [0x03, 0x03, .. new byte[32], 0, .. U16(suiteBytes.Length), .. suiteBytes, 1, 0, .. U16(extensions.Count), .. extensions];
        byte[] handshake = [1, 0, (byte)(body.Length >> 8), (byte)body.Length, .. body];
        if (!split)
        {
            return [22, 3, 1, .. U16(handshake.Length), .. handshake];
        }

        var half = handshake.Length / 2;
        return [22, 3, 1, .. U16(half), .. handshake[..half], 22, 3, 1, .. U16(handshake.Length - half), .. handshake[half..]];
    }

    [Fact]
    public void A_TLS_1_2_hello_offering_only_ECDHE_ECDSA_takes_only_ECDSA()
    {
        var hello = ClientHelloParser.Parse(Hello([0xC02B, 0x009C]));
        Assert.Equal([0xC02B, 0x009C], hello.CipherSuites);
        Assert.False(hello.OffersTls13);
        Assert.True(hello.AcceptsEcdsa);
        Assert.False(hello.AcceptsRsa);
    }

    [Fact]
    public void A_TLS_1_2_hello_offering_only_ECDHE_RSA_takes_only_RSA()
    {
        var hello = ClientHelloParser.Parse(Hello([0xC030], signatureAlgorithms: [0x0403]));
        Assert.False(hello.AcceptsEcdsa); // TLS 1.2: the suite decides, not the signature algorithms
        Assert.True(hello.AcceptsRsa);
    }

    [Fact]
    public void A_TLS_1_3_hello_is_read_by_its_signature_algorithms_even_over_two_records()
    {
        var rsaOnly = ClientHelloParser.Parse(Hello([0x1301, 0xC02B], signatureAlgorithms: [0x0804, 0x0401], versions: [0x0304, 0x0303], split: true));
        Assert.True(rsaOnly.OffersTls13);
        Assert.Equal([0x0804, 0x0401], rsaOnly.SignatureAlgorithms);
        Assert.False(rsaOnly.AcceptsEcdsa);
        Assert.True(rsaOnly.AcceptsRsa);

        var ecdsa = ClientHelloParser.Parse(Hello([0x1301], signatureAlgorithms: [0x0403], versions: [0x0304]));
        Assert.True(ecdsa.AcceptsEcdsa);
        Assert.False(ecdsa.AcceptsRsa);
    }

    [Fact]
    public void A_truncated_or_foreign_hello_offers_nothing()
    {
        var whole = Hello([0xC02B]);
        Assert.Same(ClientHelloParser.ClientHello.Empty, ClientHelloParser.Parse(whole.AsSpan(0, 20)));
        Assert.Same(ClientHelloParser.ClientHello.Empty, ClientHelloParser.Parse("GET / HTTP/1.1\r\n"u8));
        Assert.Same(ClientHelloParser.ClientHello.Empty, ClientHelloParser.Parse(ReadOnlySpan<byte>.Empty));
    }
}
