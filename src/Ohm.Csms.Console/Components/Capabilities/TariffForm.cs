using Ohm.Csms.Blocks;
using Ohm.Csms.Queries;

namespace Ohm.Csms.Console.Components.Capabilities;

/// <summary>The tariff form's fields: what a page edits, turned into the <see cref="TariffDefinition"/> that <see cref="TariffQueries"/> checks and stores.</summary>
public sealed class TariffForm
{
    /// <summary>The tariff's name.</summary>
    public string? Name { get; set; }

    /// <summary>ISO 4217 code.</summary>
    public string? Currency { get; set; } = "EUR";

    /// <summary>Price per kWh.</summary>
    public decimal EnergyPerKwh { get; set; }

    /// <summary>Price per hour charging.</summary>
    public decimal TimePerHour { get; set; }

    /// <summary>Price per hour idle past the grace.</summary>
    public decimal IdlePerHour { get; set; }

    /// <summary>Free idle minutes.</summary>
    public int IdleGraceMinutes { get; set; }

    /// <summary>Fee per transaction.</summary>
    public decimal SessionFee { get; set; }

    /// <summary>Tax in percent.</summary>
    public decimal TaxPercent { get; set; }

    /// <summary>Whether the prices include the tax.</summary>
    public bool PricesIncludeTax { get; set; }

    /// <summary>IANA time zone.</summary>
    public string? TimeZone { get; set; } = "UTC";

    /// <summary>Whether it is the default tariff.</summary>
    public bool IsDefault { get; set; }

    /// <summary>The periods of the tariff edited (kept as they were: the page does not edit them).</summary>
    public List<TariffPeriod> Periods { get; set; } = [];

    /// <summary>The form of a stored tariff.</summary>
    public static TariffForm Of(TariffView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var t = view.Tariff;
        return new()
        {
            Name = t.Name, Currency = t.Currency, EnergyPerKwh = t.EnergyPerKwh, TimePerHour = t.TimePerHour, IdlePerHour = t.IdlePerHour, IdleGraceMinutes = t.IdleGraceMinutes,
            SessionFee = t.SessionFee, TaxPercent = t.TaxPercent, PricesIncludeTax = t.PricesIncludeTax, TimeZone = t.TimeZone, IsDefault = view.IsDefault, Periods = t.Periods,
        };
    }

    /// <summary>The definition the fields make.</summary>
    public TariffDefinition Definition() => new()
    {
        Name = Name?.Trim() ?? "", Currency = Currency?.Trim() ?? "", EnergyPerKwh = EnergyPerKwh, TimePerHour = TimePerHour, IdlePerHour = IdlePerHour,
        IdleGraceMinutes = IdleGraceMinutes, SessionFee = SessionFee, TaxPercent = TaxPercent, PricesIncludeTax = PricesIncludeTax, TimeZone = TimeZone?.Trim() ?? "", Periods = Periods,
    };

    /// <summary>A currency is three capital letters.</summary>
    public static string? CheckCurrency(string? currency) =>
        currency is { Length: 3 } c && c.All(char.IsAsciiLetterUpper) ? null : "An ISO 4217 code: three capital letters (EUR).";

    /// <summary>A price, fee or grace is not negative.</summary>
    public static string? CheckNotNegative(decimal value) => value < 0 ? "Must not be negative." : null;

    /// <summary>Tax is 0 to 100 percent.</summary>
    public static string? CheckTax(decimal value) => value is < 0 or > 100 ? "0 to 100 percent." : null;

    /// <summary>The time zone is an IANA zone.</summary>
    public static string? CheckZone(string? zone) => zone is { Length: > 0 } z && TariffCalculator.IsZone(z.Trim()) ? null : "An IANA time zone (Europe/Amsterdam, UTC).";
}
