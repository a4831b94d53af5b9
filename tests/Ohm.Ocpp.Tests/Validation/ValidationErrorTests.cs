using System.Text;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Validation;

namespace Ohm.Ocpp.Tests.Validation;

/// <summary>The code, path and message of validation errors on hand-written payloads.</summary>
public sealed class ValidationErrorTests
{
    private const string BootStation = """{"model":"SingleSocketCharger","vendorName":"VendorX"}""";

    [Fact]
    public void Bad_measurand_deep_in_nested_arrays_is_a_PropertyConstraintViolation_at_its_exact_path()
    {
        var error = TransactionEvent("""
            [{"timestamp":"2024-05-01T12:34:56Z","sampledValue":[
                {"value":230.1,"measurand":"Voltage"},
                {"value":16,"measurand":"Current.Sideways"}]}]
            """);

        Assert.NotNull(error);
        Assert.Equal(OcppErrorCode.PropertyConstraintViolation, error.Code);
        Assert.Equal("meterValue[0].sampledValue[1].measurand", error.Path);
        Assert.StartsWith("meterValue[0].sampledValue[1].measurand is 'Current.Sideways'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_nested_meter_values_pass()
    {
        Assert.Null(TransactionEvent("""[{"timestamp":"2024-05-01T12:34:56Z","sampledValue":[{"value":230.1,"measurand":"Voltage"}]}]"""));
    }

    [Fact]
    public void Empty_array_below_minItems_is_an_OccurrenceConstraintViolation_at_the_array()
    {
        var error = TransactionEvent("""[{"timestamp":"2024-05-01T12:34:56Z","sampledValue":[]}]""");

        Assert.NotNull(error);
        Assert.Equal(OcppErrorCode.OccurrenceConstraintViolation, error.Code);
        Assert.Equal("meterValue[0].sampledValue", error.Path);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"reason":"PowerUp","chargingStation":""")]
    [InlineData("""{"reason":"PowerUp",}""")]
    [InlineData("""{'reason':'PowerUp'}""")]
    [InlineData("")]
    [InlineData("""{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"}} {}""")]
    public void Payload_that_is_not_one_JSON_value_is_a_FormatViolation_of_the_whole_payload(string payload)
    {
        var error = OcppActions.BootNotification.ValidateRequest(Encoding.UTF8.GetBytes(payload));

        Assert.NotNull(error);
        Assert.Equal(OcppErrorCode.FormatViolation, error.Code);
        Assert.Equal("", error.Path);
        Assert.StartsWith("payload ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Payload_of_the_wrong_JSON_type_is_a_TypeConstraintViolation_of_the_whole_payload()
    {
        var error = Boot("[]");

        Assert.NotNull(error);
        Assert.Equal(OcppErrorCode.TypeConstraintViolation, error.Code);
        Assert.Equal("", error.Path);
        Assert.Equal("TypeConstraintViolation: payload must be an object", error.ToString());
    }

    [Fact]
    public void Missing_nested_required_field_is_an_OccurrenceConstraintViolation_at_its_path()
    {
        var error = Boot("""{"reason":"PowerUp","chargingStation":{"model":"SingleSocketCharger"}}""");

        Assert.NotNull(error);
        Assert.Equal(OcppErrorCode.OccurrenceConstraintViolation, error.Code);
        Assert.Equal("chargingStation.vendorName", error.Path);
        Assert.Equal("chargingStation.vendorName is required", error.Message);
    }

    [Fact]
    public void Unknown_nested_property_is_a_FormatViolation_naming_it()
    {
        var error = Boot("""{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V","colour":"red"}}""");

        Assert.NotNull(error);
        Assert.Equal(OcppErrorCode.FormatViolation, error.Code);
        Assert.Equal("chargingStation.colour", error.Path);
    }

    [Fact]
    public void Extra_properties_inside_customData_are_accepted()
    {
        Assert.Null(Boot("""{"reason":"PowerUp","chargingStation":""" + BootStation + ""","customData":{"vendorId":"Ohm","colour":{"r":1}}}"""));
    }

    [Fact]
    public void Integer_beyond_32_bits_is_a_PropertyConstraintViolation()
    {
        var error = TransactionEventWithSeqNo("2147483648");

        Assert.NotNull(error);
        Assert.Equal(OcppErrorCode.PropertyConstraintViolation, error.Code);
        Assert.Equal("seqNo", error.Path);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("\"3\"")]
    public void Integer_written_as_a_fraction_exponent_or_string_is_a_TypeConstraintViolation(string seqNo)
    {
        var error = TransactionEventWithSeqNo(seqNo);

        Assert.NotNull(error);
        Assert.Equal(OcppErrorCode.TypeConstraintViolation, error.Code);
        Assert.Equal("seqNo", error.Path);
    }

    [Fact]
    public void String_length_counts_characters_not_UTF8_bytes()
    {
        // model has maxLength 20; "é" is two bytes in UTF-8, and "\u00e9" six bytes of JSON.
        Assert.Null(BootWithModel(new string('é', 20)));
        Assert.Null(BootWithModel(string.Concat(Enumerable.Repeat("\\u00e9", 20))));

        var error = BootWithModel(new string('é', 21));
        Assert.NotNull(error);
        Assert.Equal(OcppErrorCode.PropertyConstraintViolation, error.Code);
        Assert.Equal("chargingStation.model", error.Path);
        Assert.Contains("21 characters", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-05-01T12:34:56\\u002B02:00", true)]
    [InlineData("2024-05-01T12:34:56\\u005A", true)]
    [InlineData("2024-05-01T12:34:56", false)]
    [InlineData("2024-02-30T12:34:56Z", false)]
    public void Date_time_is_checked_after_unescaping(string currentTime, bool valid)
    {
        var error = OcppActions.BootNotification.ValidateResponse(
            Encoding.UTF8.GetBytes($$"""{"currentTime":"{{currentTime}}","interval":300,"status":"Accepted"}"""));

        if (valid)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.NotNull(error);
            Assert.Equal(OcppErrorCode.PropertyConstraintViolation, error.Code);
            Assert.Equal("currentTime", error.Path);
        }
    }

    private static OcppValidationError? Boot(string payload) =>
        OcppActions.BootNotification.ValidateRequest(Encoding.UTF8.GetBytes(payload));

    private static OcppValidationError? BootWithModel(string model) =>
        Boot("""{"reason":"PowerUp","chargingStation":{"model":"MODEL","vendorName":"V"}}""".Replace("MODEL", model, StringComparison.Ordinal));

    private static OcppValidationError? TransactionEvent(string meterValue) =>
        TransactionEvent("3", meterValue);

    private static OcppValidationError? TransactionEventWithSeqNo(string seqNo) =>
        TransactionEvent(seqNo, """[{"timestamp":"2024-05-01T12:34:56Z","sampledValue":[{"value":1}]}]""");

    private static OcppValidationError? TransactionEvent(string seqNo, string meterValue) =>
        OcppActions.TransactionEvent.ValidateRequest(Encoding.UTF8.GetBytes("""
            {"eventType":"Updated","timestamp":"2024-05-01T12:34:56Z","triggerReason":"MeterValuePeriodic","seqNo":SEQ_NO,
             "transactionInfo":{"transactionId":"tx-1"},"meterValue":METER_VALUE}
            """.Replace("SEQ_NO", seqNo, StringComparison.Ordinal).Replace("METER_VALUE", meterValue, StringComparison.Ordinal)));
}
