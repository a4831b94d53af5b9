using System.Reflection;
using Ohm.Ocpp.Messages;

namespace Ohm.Ocpp.Tests.Generation;

/// <summary>Every generated enum reads back from its wire spelling, so that no code parses enum strings by hand.</summary>
public sealed class WireSpellingTests
{
    public static TheoryData<Type> EnumTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var type in typeof(OcppActions).Assembly.GetTypes().Where(t => t.IsEnum && t.Namespace == "Ohm.Ocpp.Messages"))
        {
            data.Add(type);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EnumTypes))]
    public void FromWire_reads_back_every_value_that_ToWire_spells(Type enumType)
    {
        var schema = typeof(OcppActions).Assembly.GetType(enumType.FullName + "Schema")!;
        var toWire = schema.GetMethod("ToWire", BindingFlags.Public | BindingFlags.Static)!;
        var fromWire = schema.GetMethod("FromWire", BindingFlags.Public | BindingFlags.Static)!;
        foreach (var value in Enum.GetValues(enumType))
        {
            var wire = (string)toWire.Invoke(null, [value])!;
            Assert.Equal(value, fromWire.Invoke(null, [wire]));
        }
    }

    [Fact]
    public void A_wire_spelling_that_differs_from_the_member_name_is_read()
    {
        // The bug this guards against: Enum.Parse("eMAID") fails, since the member is EMAID.
        Assert.Equal(IdTokenEnumType.EMAID, IdTokenEnumTypeSchema.FromWire("eMAID"));
        Assert.Equal(MeasurandEnumType.EnergyActiveImportRegister, MeasurandEnumTypeSchema.FromWire("Energy.Active.Import.Register"));
    }

    [Fact]
    public void Any_other_text_is_refused_with_its_name()
    {
        Assert.False(IdTokenEnumTypeSchema.TryFromWire("EMAID", out _));
        Assert.False(IdTokenEnumTypeSchema.TryFromWire(null, out _));
        var error = Assert.Throws<FormatException>(() => IdTokenEnumTypeSchema.FromWire("Card"));
        Assert.Contains("IdTokenEnumType", error.Message, StringComparison.Ordinal);
    }
}
