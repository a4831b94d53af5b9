namespace Ohm.Csms.Blocks;

/// <summary>
/// A tariff's prices (block I), as stored in a version of the tariff. Prices are per kWh (energy), per hour of charging
/// (time) and per hour of idling after charging stopped beyond <see cref="IdleGraceMinutes"/> (idle), plus a flat
/// <see cref="SessionFee"/>; the sum is held between <see cref="MinCost"/> and <see cref="MaxCost"/>. With
/// <see cref="PricesIncludeTax"/> false the prices are net and <see cref="TaxPercent"/> is added; true, they are gross
/// and the tax is the part of the total it contains. <see cref="Periods"/> override prices by local time of day and weekday
/// in <see cref="TimeZone"/> (IANA).
/// </summary>
public sealed record TariffDefinition
{
    /// <summary>The tariff's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>ISO 4217 currency code.</summary>
    public string Currency { get; init; } = "EUR";

    /// <summary>Price per kWh.</summary>
    public decimal EnergyPerKwh { get; init; }

    /// <summary>Price per hour while charging (chargingState Charging).</summary>
    public decimal TimePerHour { get; init; }

    /// <summary>Price per hour idle after charging stopped, past the grace period.</summary>
    public decimal IdlePerHour { get; init; }

    /// <summary>Idle minutes that are free.</summary>
    public int IdleGraceMinutes { get; init; }

    /// <summary>A flat fee per transaction.</summary>
    public decimal SessionFee { get; init; }

    /// <summary>The least a transaction costs (before tax when prices are net); null for none.</summary>
    public decimal? MinCost { get; init; }

    /// <summary>The most a transaction costs (before tax when prices are net); null for none.</summary>
    public decimal? MaxCost { get; init; }

    /// <summary>Tax in percent.</summary>
    public decimal TaxPercent { get; init; }

    /// <summary>Whether the prices include the tax (gross) rather than exclude it (net).</summary>
    public bool PricesIncludeTax { get; init; }

    /// <summary>The IANA time zone the periods are in.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Time-of-day / weekday periods that override prices; the first that matches wins.</summary>
    public List<TariffPeriod> Periods { get; init; } = [];

    /// <summary>Display texts by language code (the driver's personal message, I01).</summary>
    public Dictionary<string, string> Texts { get; init; } = [];

    /// <summary>The text when none is in the driver's languages.</summary>
    public string? DefaultText { get; init; }
}

/// <summary>A period of a tariff: on <see cref="Days"/> (all when empty), from <see cref="From"/> to <see cref="To"/> local time (wrapping midnight when To is not after From).</summary>
public sealed record TariffPeriod
{
    /// <summary>Weekdays the period applies on (Monday, ...); every day when empty.</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(WeekdaysConverter))]
    public List<DayOfWeek> Days { get; init; } = [];

    /// <summary>Local start time.</summary>
    public TimeOnly From { get; init; }

    /// <summary>Local end time (exclusive).</summary>
    public TimeOnly To { get; init; }

    /// <summary>Energy price in this period; the tariff's when null.</summary>
    public decimal? EnergyPerKwh { get; init; }

    /// <summary>Time price in this period; the tariff's when null.</summary>
    public decimal? TimePerHour { get; init; }

    /// <summary>Idle price in this period; the tariff's when null.</summary>
    public decimal? IdlePerHour { get; init; }
}

/// <summary>Reads and writes weekdays by name (Monday, ...), as the API and the stored versions spell them.</summary>
internal sealed class WeekdaysConverter : System.Text.Json.Serialization.JsonConverter<List<DayOfWeek>>
{
    public override List<DayOfWeek> Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        var days = new List<DayOfWeek>();
        if (reader.TokenType != System.Text.Json.JsonTokenType.StartArray)
        {
            throw new System.Text.Json.JsonException("days must be an array of weekday names");
        }

        while (reader.Read() && reader.TokenType != System.Text.Json.JsonTokenType.EndArray)
        {
            if (reader.TokenType != System.Text.Json.JsonTokenType.String || !Enum.TryParse<DayOfWeek>(reader.GetString(), ignoreCase: true, out var day) || !Enum.IsDefined(day))
            {
                throw new System.Text.Json.JsonException("a day must be a weekday name (Monday ... Sunday)");
            }

            days.Add(day);
        }

        return days;
    }

    public override void Write(System.Text.Json.Utf8JsonWriter writer, List<DayOfWeek> value, System.Text.Json.JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var day in value)
        {
            writer.WriteStringValue(day.ToString());
        }

        writer.WriteEndArray();
    }
}

/// <summary>A meter reading: Energy.Active.Import.Register in Wh at a time.</summary>
public readonly record struct EnergyReading(DateTimeOffset At, decimal Wh);

/// <summary>The transaction's chargingState from a time on.</summary>
public readonly record struct ChargingStateChange(DateTimeOffset At, string State);

/// <summary>What a transaction costs, by part (each rounded to 4 decimals, tax and total to 2).</summary>
public sealed record CostBreakdown
{
    /// <summary>The energy part.</summary>
    public decimal Energy { get; init; }

    /// <summary>The charging-time part.</summary>
    public decimal Time { get; init; }

    /// <summary>The idle part.</summary>
    public decimal Idle { get; init; }

    /// <summary>Flat fees.</summary>
    public decimal Fees { get; init; }

    /// <summary>The tax contained in (gross) or added to (net) the total.</summary>
    public decimal Tax { get; init; }

    /// <summary>The total including tax.</summary>
    public decimal Total { get; init; }

    /// <summary>ISO 4217 currency.</summary>
    public string Currency { get; init; } = "";

    /// <summary>kWh charged.</summary>
    public decimal EnergyKwh { get; init; }

    /// <summary>Hours charging.</summary>
    public decimal ChargingHours { get; init; }

    /// <summary>Hours idle charged for (past the grace period).</summary>
    public decimal IdleHours { get; init; }
}

/// <summary>A version of a tariff that is in effect from <see cref="From"/> on (I06).</summary>
public readonly record struct TariffChange(DateTimeOffset From, TariffDefinition Tariff);

/// <summary>Computes a transaction's cost from its tariff, its meter readings and its chargingState changes (I02, I03, I06).</summary>
public static class TariffCalculator
{
    /// <summary>The cost of [<paramref name="start"/>, <paramref name="end"/>) with one tariff version throughout.</summary>
    public static CostBreakdown Compute(TariffDefinition tariff, IEnumerable<EnergyReading> readings, IEnumerable<ChargingStateChange> states, DateTimeOffset start, DateTimeOffset end)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        return Compute([new TariffChange(DateTimeOffset.MinValue, tariff)], readings, states, start, end);
    }

    /// <summary>
    /// The cost of [<paramref name="start"/>, <paramref name="end"/>) when the tariff changed during the transaction (I06):
    /// energy, time and idle prices are those of the version in effect at each moment (the first applies until the second's
    /// <see cref="TariffChange.From"/>, and so on); the session fee, minimum, maximum, tax, currency and idle grace are the
    /// first version's, the terms the driver started with. A later version in another currency does not apply.
    /// </summary>
    public static CostBreakdown Compute(IReadOnlyList<TariffChange> versions, IEnumerable<EnergyReading> readings, IEnumerable<ChargingStateChange> states, DateTimeOffset start, DateTimeOffset end)
    {
        ArgumentNullException.ThrowIfNull(versions);
        if (versions.Count == 0)
        {
            throw new ArgumentException("At least one tariff version is needed.", nameof(versions));
        }

        var tariff = versions[0].Tariff;
        var timeline = new PriceTimeline(versions.Where(v => v.Tariff.Currency == tariff.Currency).OrderBy(v => v.From).ToList(), tariff);
        var sorted = readings.OrderBy(r => r.At).ToList();
        decimal energy = 0, kwh = 0;
        for (var i = 1; i < sorted.Count; i++)
        {
            var delta = (sorted[i].Wh - sorted[i - 1].Wh) / 1000m;
            if (delta <= 0)
            {
                continue;
            }

            kwh += delta;
            var span = (decimal)(sorted[i].At - sorted[i - 1].At).TotalSeconds;
            if (span <= 0)
            {
                energy += delta * timeline.Price(sorted[i - 1].At).Energy;
                continue;
            }

            foreach (var (from, to, prices) in timeline.Pieces(sorted[i - 1].At, sorted[i].At))
            {
                energy += delta * (decimal)(to - from).TotalSeconds / span * prices.Energy;
            }
        }

        decimal time = 0, idle = 0, chargingHours = 0, idleHours = 0;
        var grace = TimeSpan.FromMinutes(tariff.IdleGraceMinutes);
        var changes = states.OrderBy(s => s.At).ToList();
        var charged = false;
        for (var i = 0; i < changes.Count; i++)
        {
            var from = changes[i].At < start ? start : changes[i].At;
            var to = i + 1 < changes.Count ? changes[i + 1].At : end;
            if (to > end)
            {
                to = end;
            }

            if (to <= from)
            {
                if (changes[i].State == "Charging")
                {
                    charged = true;
                }

                continue;
            }

            if (changes[i].State == "Charging")
            {
                charged = true;
                foreach (var (a, b, prices) in timeline.Pieces(from, to))
                {
                    var hours = (decimal)(b - a).TotalHours;
                    chargingHours += hours;
                    time += hours * prices.Time;
                }
            }
            else if (charged && changes[i].State is "SuspendedEV" or "SuspendedEVSE" or "EVConnected" or "Idle")
            {
                // Idle after charging stopped: the first grace minutes (over all idle stretches) are free.
                if (grace > TimeSpan.Zero)
                {
                    var free = to - from < grace ? to - from : grace;
                    grace -= free;
                    from += free;
                }

                foreach (var (a, b, prices) in timeline.Pieces(from, to))
                {
                    var hours = (decimal)(b - a).TotalHours;
                    idleHours += hours;
                    idle += hours * prices.Idle;
                }
            }
        }

        energy = Math.Round(energy, 4, MidpointRounding.AwayFromZero);
        time = Math.Round(time, 4, MidpointRounding.AwayFromZero);
        idle = Math.Round(idle, 4, MidpointRounding.AwayFromZero);
        var fees = tariff.SessionFee;
        var subtotal = energy + time + idle + fees;
        if (tariff.MinCost is { } min && subtotal < min)
        {
            subtotal = min;
        }

        if (tariff.MaxCost is { } max && subtotal > max)
        {
            subtotal = max;
        }

        decimal total, tax;
        if (tariff.PricesIncludeTax)
        {
            total = Math.Round(subtotal, 2, MidpointRounding.AwayFromZero);
            tax = Math.Round(total - (total / (1 + (tariff.TaxPercent / 100m))), 2, MidpointRounding.AwayFromZero);
        }
        else
        {
            tax = Math.Round(subtotal * tariff.TaxPercent / 100m, 2, MidpointRounding.AwayFromZero);
            total = Math.Round(subtotal, 2, MidpointRounding.AwayFromZero) + tax;
        }

        return new CostBreakdown
        {
            Energy = energy, Time = time, Idle = idle, Fees = fees, Tax = tax, Total = total, Currency = tariff.Currency,
            EnergyKwh = kwh, ChargingHours = Math.Round(chargingHours, 6), IdleHours = Math.Round(idleHours, 6),
        };
    }

    /// <summary>The prices in effect at <paramref name="at"/>: the first matching period's, the tariff's otherwise.</summary>
    public static (decimal Energy, decimal Time, decimal Idle) Price(TariffDefinition tariff, TimeZoneInfo zone, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var t = TimeOnly.FromTimeSpan(local.TimeOfDay);
        foreach (var p in tariff.Periods)
        {
            var inTime = p.To > p.From ? t >= p.From && t < p.To : t >= p.From || t < p.To;
            if (inTime && (p.Days.Count == 0 || p.Days.Contains(local.DayOfWeek)))
            {
                return (p.EnergyPerKwh ?? tariff.EnergyPerKwh, p.TimePerHour ?? tariff.TimePerHour, p.IdlePerHour ?? tariff.IdlePerHour);
            }
        }

        return (tariff.EnergyPerKwh, tariff.TimePerHour, tariff.IdlePerHour);
    }

    /// <summary>The IANA zone, UTC when unknown.</summary>
    public static TimeZoneInfo Zone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>Whether <paramref name="id"/> is a time zone this machine knows.</summary>
    public static bool IsZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    /// <summary>The next local time after <paramref name="at"/> where the tariff's period prices may change (a period edge or local midnight).</summary>
    internal static DateTimeOffset NextEdge(TariffDefinition tariff, TimeZoneInfo zone, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        var day = local.Date;
        var best = day.AddDays(1);
        foreach (var p in tariff.Periods)
        {
            foreach (var edge in new[] { day + p.From.ToTimeSpan(), day + p.To.ToTimeSpan() })
            {
                if (edge > local && edge < best)
                {
                    best = edge;
                }
            }
        }

        while (zone.IsInvalidTime(best))
        {
            best = best.AddMinutes(30);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(best, DateTimeKind.Unspecified), zone), TimeSpan.Zero);
    }
}

/// <summary>
/// The prices of a transaction over time: tariff versions in effect from their start on (the first from the beginning),
/// each with its own periods and time zone.
/// </summary>
internal sealed class PriceTimeline
{
    private readonly List<TariffChange> _versions;
    private readonly TimeZoneInfo[] _zones;

    public PriceTimeline(List<TariffChange> versions, TariffDefinition first)
    {
        _versions = versions.Count == 0 ? [new TariffChange(DateTimeOffset.MinValue, first)] : versions;
        _zones = _versions.Select(v => TariffCalculator.Zone(v.Tariff.TimeZone)).ToArray();
    }

    /// <summary>The prices in effect at a moment.</summary>
    public (decimal Energy, decimal Time, decimal Idle) Price(DateTimeOffset at)
    {
        var i = IndexAt(at);
        return TariffCalculator.Price(_versions[i].Tariff, _zones[i], at);
    }

    /// <summary>Splits [from, to) where the prices may change: period edges, local midnights and version changes.</summary>
    public IEnumerable<(DateTimeOffset From, DateTimeOffset To, (decimal Energy, decimal Time, decimal Idle) Prices)> Pieces(DateTimeOffset from, DateTimeOffset to)
    {
        var at = from;
        while (at < to)
        {
            var i = IndexAt(at);
            var tariff = _versions[i].Tariff;
            var next = tariff.Periods.Count == 0 ? to : TariffCalculator.NextEdge(tariff, _zones[i], at);
            if (i + 1 < _versions.Count && _versions[i + 1].From < next)
            {
                next = _versions[i + 1].From;
            }

            if (next > to || next <= at)
            {
                next = to;
            }

            yield return (at, next, TariffCalculator.Price(tariff, _zones[i], at));
            at = next;
        }
    }

    private int IndexAt(DateTimeOffset at)
    {
        var index = 0;
        for (var i = 1; i < _versions.Count && _versions[i].From <= at; i++)
        {
            index = i;
        }

        return index;
    }
}
