using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ohm.Ocpp.Messages;

namespace Ohm.Station.Simulation;

/// <summary>
/// The simulated meter's signature: an ECDSA P-256 key made at start signs each register reading. signedMeterData is
/// the base64 of a JSON document with the reading and its signature (IEEE P1363, base64), publicKey the base64 DER
/// SubjectPublicKeyInfo, so that a CSMS can check a reading with nothing but the message.
/// </summary>
public sealed class MeterSigner : IDisposable
{
    /// <summary>The signingMethod reported.</summary>
    public const string SigningMethod = "ECDSA-secp256r1-SHA256";

    /// <summary>The encodingMethod reported.</summary>
    public const string EncodingMethod = "Ohm-Simulated-JSON";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The public key, base64 of the DER SubjectPublicKeyInfo.</summary>
    public string PublicKey => Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());

    /// <summary>Signs a register reading of an EVSE taken at <paramref name="at"/>.</summary>
    public SignedMeterValueType Sign(int evseId, decimal registerWh, DateTimeOffset at)
    {
        var reading = string.Create(CultureInfo.InvariantCulture, $"{{\"evse\":{evseId},\"register\":{Math.Round(registerWh, 3)},\"unit\":\"Wh\",\"time\":\"{at:yyyy-MM-ddTHH:mm:ss.fffZ}\"}}");
        var signature = _key.SignData(Encoding.UTF8.GetBytes(reading), HashAlgorithmName.SHA256);
        var document = JsonSerializer.Serialize(new Dictionary<string, string> { ["reading"] = reading, ["signature"] = Convert.ToBase64String(signature) });
        return new SignedMeterValueType
        {
            SignedMeterData = Convert.ToBase64String(Encoding.UTF8.GetBytes(document)),
            SigningMethod = SigningMethod,
            EncodingMethod = EncodingMethod,
            PublicKey = PublicKey,
        };
    }

    /// <summary>Checks a signed value against its public key.</summary>
    public static bool Verify(SignedMeterValueType value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var document = JsonSerializer.Deserialize<Dictionary<string, string>>(Convert.FromBase64String(value.SignedMeterData))!;
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(value.PublicKey), out _);
        return key.VerifyData(Encoding.UTF8.GetBytes(document["reading"]), Convert.FromBase64String(document["signature"]), HashAlgorithmName.SHA256);
    }

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();
}
