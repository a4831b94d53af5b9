using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Blocks;

/// <summary>
/// A01 Update Charging Station Password for HTTP Basic Authentication (block A): a new random password is sent in
/// SetVariables SecurityCtrlr.BasicAuthPassword, and its hash stored only when the station accepted it. The hash it
/// replaces stays valid (<c>StationRecord.PreviousPasswordHash</c>) until the station connects with the new one,
/// which StationAdmission sees.
/// </summary>
public sealed class BasicAuthPasswordUpdate(IStationCallRouter router, CsmsWriter writer, ILogger<BasicAuthPasswordUpdate> logger)
{
    /// <summary>Length of the passwords made: within BasicAuthPassword's 16 to 40 characters.</summary>
    public const int Length = 32;

    /// <summary>
    /// The characters a password is made of: those of OCPP's passwordString (a-z, A-Z, 0-9 and <c>*-_=:+|@.</c>),
    /// about 6.2 bits each.
    /// </summary>
    public const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-_=:+|@.";

    /// <summary>What the station answered, and the password it now has when it accepted it.</summary>
    public sealed record Outcome(bool Accepted, SetVariableStatusEnumType Status, string? Password, StatusInfoType? StatusInfo);

    /// <summary>A new password from a cryptographic random source.</summary>
    public static string NewPassword() => RandomNumberGenerator.GetString(Alphabet, Length);

    // A01: SetVariables BasicAuthPassword; the new hash is stored (and the old one kept for the switch) only on Accepted.
    public async Task<Outcome> UpdateAsync(string stationId, CancellationToken cancellationToken)
    {
        var password = NewPassword();
        var response = await router.CallAsync(stationId, new SetVariablesRequest
        {
            SetVariableData =
            [
                new SetVariableDataType
                {
                    Component = new ComponentType { Name = "SecurityCtrlr" },
                    Variable = new VariableType { Name = "BasicAuthPassword" },
                    AttributeValue = password,
                },
            ],
        }, cancellationToken).ConfigureAwait(false);
        var result = response.SetVariableResult.FirstOrDefault(r => r.Component.Name == "SecurityCtrlr" && r.Variable.Name == "BasicAuthPassword")
            ?? response.SetVariableResult.FirstOrDefault();
        var status = result?.AttributeStatus ?? SetVariableStatusEnumType.Rejected;

        // RebootRequired: the station holds the new password and uses it once it restarts, so it is stored alike.
        if (status is not (SetVariableStatusEnumType.Accepted or SetVariableStatusEnumType.RebootRequired))
        {
            logger.LogWarning("Station {StationId} did not take its new password ({Status}); the current one stays", stationId, status.ToWire());
            return new Outcome(false, status, null, result?.AttributeStatusInfo);
        }

        var hash = PasswordHasher.Hash(password);
        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var station = await db.Stations.FindAsync([stationId]).ConfigureAwait(false);
            if (station is not null)
            {
                station.PreviousPasswordHash = station.PasswordHash;
                station.PasswordHash = hash;
            }
        }, CancellationToken.None).ConfigureAwait(false);
        logger.LogInformation("Station {StationId} accepted its new password; the previous one is accepted until it connects with the new one", stationId);
        return new Outcome(true, status, password, result?.AttributeStatusInfo);
    }
}
