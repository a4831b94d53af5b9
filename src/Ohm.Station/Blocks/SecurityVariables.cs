using Ohm.Ocpp.Messages;
using Ohm.Station.Context;

namespace Ohm.Station.Blocks;

/// <summary>
/// A01, A04, A05 and B10 on SetVariables: the rules of the variables that secure the connection beyond their
/// characteristics (BasicAuthPassword's passwordString, NetworkConfigurationPriority's slots), and the security
/// events their changes raise (ReconfigurationOfSecurityParameters, SettingSystemTime).
/// </summary>
internal sealed class SecurityVariables
{
    private readonly IStationContext _context;
    private readonly SecurityEvents _events;
    private readonly NetworkProfiles _profiles;

    internal SecurityVariables(IStationContext context, SecurityEvents events, NetworkProfiles profiles)
    {
        _context = context;
        _events = events;
        _profiles = profiles;
    }

    /// <summary>Checks a SetVariables item before the device model does; a Rejected result, or null to go on.</summary>
    public SetVariableResultType? Check(SetVariableDataType item)
    {
        if (!IsStationLevelActual(item))
        {
            return null;
        }

        var problem = (item.Component.Name, item.Variable.Name) switch
        {
            ("SecurityCtrlr", "BasicAuthPassword") => BasicAuthPassword.Check(item.AttributeValue), // A01
            ("OCPPCommCtrlr", "NetworkConfigurationPriority") => _profiles.CheckPriority(item.AttributeValue), // B10
            _ => null,
        };
        return problem is null ? null : new SetVariableResultType
        {
            AttributeStatus = SetVariableStatusEnumType.Rejected,
            AttributeType = item.AttributeType,
            Component = item.Component,
            Variable = item.Variable,
            AttributeStatusInfo = new StatusInfoType { ReasonCode = "InvalidValue", AdditionalInfo = problem },
        };
    }

    /// <summary>After the device model set an item: the security events and effects of the change.</summary>
    public void Applied(SetVariableDataType item, SetVariableResultType result)
    {
        if (!IsStationLevelActual(item) || result.AttributeStatus is not (SetVariableStatusEnumType.Accepted or SetVariableStatusEnumType.RebootRequired))
        {
            return;
        }

        switch (item.Component.Name, item.Variable.Name)
        {
            case ("SecurityCtrlr", "BasicAuthPassword"): // A01.FR.11: the next connection uses it; the change is a security event
                _context.Report("BasicAuthPassword changed; the next connection uses it");
                _events.Raise(SecurityEventTypes.ReconfigurationOfSecurityParameters, "BasicAuthPassword changed");
                break;
            case ("OCPPCommCtrlr", "NetworkConfigurationPriority"): // B10, A05
                _profiles.PriorityChanged();
                _events.Raise(SecurityEventTypes.ReconfigurationOfSecurityParameters, "NetworkConfigurationPriority set to " + item.AttributeValue);
                break;
            case ("ClockCtrlr", "DateTime"): // A04: where the configuration lets the CSMS set the clock
                _events.Raise(SecurityEventTypes.SettingSystemTime, "ClockCtrlr.DateTime set to " + item.AttributeValue);
                break;
        }
    }

    /// <summary>A04: the station is about to reset (B11/B12); <paramref name="techInfo"/> names the reset type.</summary>
    public void ResetOrReboot(string techInfo) => _events.Raise(SecurityEventTypes.ResetOrReboot, techInfo);

    private static bool IsStationLevelActual(SetVariableDataType item) =>
        (item.AttributeType ?? AttributeEnumType.Actual) == AttributeEnumType.Actual
        && item.Component.Instance is null && item.Component.Evse is null && item.Variable.Instance is null;
}

/// <summary>A01 and Part 2's security profile 1: the rules a BasicAuthPassword follows.</summary>
public static class BasicAuthPassword
{
    /// <summary>The shortest password allowed.</summary>
    public const int MinLength = 16;

    /// <summary>The longest password allowed.</summary>
    public const int MaxLength = 40;

    /// <summary>The special characters a passwordString may hold besides letters and digits.</summary>
    public const string SpecialCharacters = "*-_=:+|@.";

    /// <summary>Why <paramref name="password"/> is not a valid BasicAuthPassword, or null when it is: 16 to 40 characters of a-z, A-Z, 0-9 and *-_=:+|@.</summary>
    public static string? Check(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length is < MinLength or > MaxLength)
        {
            return $"a BasicAuthPassword has {MinLength} to {MaxLength} characters";
        }

        return password.All(c => char.IsAsciiLetterOrDigit(c) || SpecialCharacters.Contains(c, StringComparison.Ordinal))
            ? null
            : $"a BasicAuthPassword holds only letters, digits and {SpecialCharacters}";
    }
}
