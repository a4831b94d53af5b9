using System.Globalization;
using System.Text;
using Ohm.Ocpp.Serialization;

namespace Ohm.Ocpp.Tests.Serialization;

/// <summary>Parsing and formatting of OCPP-J date-times.</summary>
public sealed class OcppDateTimeTests
{
    [Theory]
    [InlineData("2024-05-01T12:34:56Z", "2024-05-01T12:34:56.0000000", 0)]
    [InlineData("2024-05-01T12:34:56.789Z", "2024-05-01T12:34:56.7890000", 0)]
    [InlineData("2024-05-01T12:34:56.1234567Z", "2024-05-01T12:34:56.1234567", 0)]
    [InlineData("2024-05-01T12:34:56.123456789Z", "2024-05-01T12:34:56.1234567", 0)]
    [InlineData("2024-05-01t12:34:56z", "2024-05-01T12:34:56.0000000", 0)]
    [InlineData("2024-05-01T14:34:56+02:00", "2024-05-01T12:34:56.0000000", 120)]
    [InlineData("2024-05-01T07:04:56.5-05:30", "2024-05-01T12:34:56.5000000", -330)]
    [InlineData("2024-05-01T00:30:00+01:00", "2024-04-30T23:30:00.0000000", 60)]
    [InlineData("2024-02-29T00:00:00Z", "2024-02-29T00:00:00.0000000", 0)]
    public void TryParse_accepts_RFC3339_with_Z_or_an_offset_and_any_fraction(string text, string expectedUtc, int offsetMinutes)
    {
        Assert.True(OcppDateTime.TryParse(Encoding.ASCII.GetBytes(text), out var value));

        Assert.Equal(DateTime.ParseExact(expectedUtc, "yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture), value.UtcDateTime);
        Assert.Equal(TimeSpan.FromMinutes(offsetMinutes), value.Offset);
    }

    [Theory]
    [InlineData("2024-05-01T12:34:56")]
    [InlineData("2024-05-01T12:34:56.789")]
    [InlineData("2024-05-01")]
    [InlineData("2024-05-01T12:34:56+0200")]
    [InlineData("2024-05-01T12:34:56+02")]
    [InlineData("2024-05-01T12:34:56+24:00")]
    [InlineData("2024-05-01T12:34:56.Z")]
    [InlineData("2024-05-01 12:34:56Z")]
    [InlineData("2024-05-01T12:34:56Z ")]
    [InlineData("2024-5-01T12:34:56Z")]
    [InlineData("yesterday")]
    [InlineData("")]
    public void TryParse_rejects_a_missing_offset_and_malformed_text(string text)
    {
        Assert.False(OcppDateTime.TryParse(Encoding.ASCII.GetBytes(text), out _));
    }

    [Theory]
    [InlineData("2024-13-01T00:00:00Z")]
    [InlineData("2024-00-10T00:00:00Z")]
    [InlineData("2024-05-32T00:00:00Z")]
    [InlineData("2024-05-00T00:00:00Z")]
    [InlineData("2024-02-30T00:00:00Z")]
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2024-04-31T00:00:00Z")]
    [InlineData("2024-05-01T24:00:00Z")]
    [InlineData("2024-05-01T12:60:00Z")]
    [InlineData("2024-05-01T12:34:60Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("2024-13-45T99:00:00Z")]
    public void TryParse_rejects_dates_and_times_that_do_not_exist(string text)
    {
        Assert.False(OcppDateTime.TryParse(Encoding.ASCII.GetBytes(text), out _));
    }

    [Fact]
    public void Format_writes_UTC_with_Z_and_exactly_three_fraction_digits()
    {
        Assert.Equal("2024-05-01T12:34:56.789Z", OcppDateTime.ToWire(new DateTimeOffset(2024, 5, 1, 14, 34, 56, 789, TimeSpan.FromHours(2))));
        Assert.Equal("2024-05-01T12:34:56.000Z", OcppDateTime.ToWire(new DateTimeOffset(2024, 5, 1, 12, 34, 56, TimeSpan.Zero)));
        Assert.Equal("2024-04-30T23:30:00.000Z", OcppDateTime.ToWire(new DateTimeOffset(2024, 5, 1, 0, 30, 0, TimeSpan.FromHours(1))));
        Assert.Equal("0001-01-01T00:00:00.007Z", OcppDateTime.ToWire(new DateTimeOffset(1, 1, 1, 0, 0, 0, 7, TimeSpan.Zero)));
    }

    [Fact]
    public void Format_truncates_below_the_millisecond()
    {
        var value = new DateTimeOffset(2024, 5, 1, 12, 34, 56, TimeSpan.Zero).AddTicks(9_999_999);

        Assert.Equal("2024-05-01T12:34:56.999Z", OcppDateTime.ToWire(value));
    }

    [Fact]
    public void Format_returns_the_bytes_written_and_refuses_a_short_buffer()
    {
        var buffer = new byte[30];

        Assert.Equal(OcppDateTime.FormattedLength, OcppDateTime.Format(DateTimeOffset.UnixEpoch, buffer));
        Assert.Equal("1970-01-01T00:00:00.000Z", Encoding.ASCII.GetString(buffer, 0, OcppDateTime.FormattedLength));
        Assert.Throws<ArgumentOutOfRangeException>(() => OcppDateTime.Format(DateTimeOffset.UnixEpoch, new byte[OcppDateTime.FormattedLength - 1]));
    }

    [Fact]
    public void Formatted_value_parses_back_to_the_same_instant()
    {
        var value = new DateTimeOffset(2024, 12, 31, 23, 59, 59, 999, TimeSpan.FromHours(-8));

        Assert.True(OcppDateTime.TryParse(Encoding.ASCII.GetBytes(OcppDateTime.ToWire(value)), out var parsed));
        Assert.Equal(value, parsed);
        Assert.Equal(TimeSpan.Zero, parsed.Offset);
    }
}
