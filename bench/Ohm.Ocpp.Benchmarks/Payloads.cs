using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Ohm.Ocpp.Benchmarks;

/// <summary>Realistic request payloads, as a station would send them (compact JSON, UTF-8).</summary>
public static class Payloads
{
    public static readonly byte[] BootNotification = Encoding.UTF8.GetBytes(
        """
        {"chargingStation":{"serialNumber":"EVB-P21345678","model":"Terra AC W22-T-RD-M","vendorName":"ABB",
        "firmwareVersion":"1.8.21","modem":{"iccid":"89314404000012345678","imsi":"204043123456789"}},"reason":"PowerUp"}
        """.ReplaceLineEndings(""));

    /// <summary>A periodic update of a three-phase AC transaction: one meter value with 10 sampled values.</summary>
    public static readonly byte[] TransactionEvent = Encoding.UTF8.GetBytes(
        """
        {"eventType":"Updated","timestamp":"2025-03-14T09:26:53.589Z","triggerReason":"MeterValuePeriodic","seqNo":17,
        "offline":false,"numberOfPhasesUsed":3,
        "transactionInfo":{"transactionId":"b4f3c2a1-7e6d-4c5b-9a8f-0e1d2c3b4a59","chargingState":"Charging","timeSpentCharging":1834},
        "evse":{"id":1,"connectorId":1},
        "meterValue":[{"timestamp":"2025-03-14T09:26:53.000Z","sampledValue":[
        {"value":18423.5,"context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","location":"Outlet","unitOfMeasure":{"unit":"Wh"}},
        {"value":10980.2,"context":"Sample.Periodic","measurand":"Power.Active.Import","location":"Outlet","unitOfMeasure":{"unit":"W"}},
        {"value":15.92,"context":"Sample.Periodic","measurand":"Current.Import","phase":"L1","location":"Outlet","unitOfMeasure":{"unit":"A"}},
        {"value":15.87,"context":"Sample.Periodic","measurand":"Current.Import","phase":"L2","location":"Outlet","unitOfMeasure":{"unit":"A"}},
        {"value":15.95,"context":"Sample.Periodic","measurand":"Current.Import","phase":"L3","location":"Outlet","unitOfMeasure":{"unit":"A"}},
        {"value":229.8,"context":"Sample.Periodic","measurand":"Voltage","phase":"L1-N","location":"Outlet","unitOfMeasure":{"unit":"V"}},
        {"value":230.4,"context":"Sample.Periodic","measurand":"Voltage","phase":"L2-N","location":"Outlet","unitOfMeasure":{"unit":"V"}},
        {"value":231.1,"context":"Sample.Periodic","measurand":"Voltage","phase":"L3-N","location":"Outlet","unitOfMeasure":{"unit":"V"}},
        {"value":50.01,"context":"Sample.Periodic","measurand":"Frequency","location":"Outlet"},
        {"value":63,"context":"Sample.Periodic","measurand":"SoC","location":"EV","unitOfMeasure":{"unit":"Percent"}}]}]}
        """.ReplaceLineEndings(""));

    /// <summary>The TransactionEvent above as a whole OCPP-J CALL frame.</summary>
    public static readonly byte[] TransactionEventCall =
        [.. "[2,\"19223201\",\"TransactionEvent\","u8, .. TransactionEvent, .. "]"u8];

    // Declared before NotifyReport, which is built from it: static fields initialize in textual order.
    private static readonly (string Component, string Variable, string Value, string DataType, string? Unit, string? Values, string Mutability)[] Variables =
    [
        ("OCPPCommCtrlr", "HeartbeatInterval", "300", "integer", "s", null, "ReadWrite"),
        ("OCPPCommCtrlr", "NetworkConfigurationPriority", "1,0", "SequenceList", null, "0,1,2", "ReadWrite"),
        ("SampledDataCtrlr", "TxUpdatedMeasurands", "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage", "MemberList", null, "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,Frequency,SoC", "ReadWrite"),
        ("SampledDataCtrlr", "TxUpdatedInterval", "60", "integer", "s", null, "ReadWrite"),
        ("AuthCtrlr", "AuthorizeRemoteStart", "true", "boolean", null, null, "ReadWrite"),
        ("TxCtrlr", "TxStartPoint", "PowerPathClosed", "MemberList", null, "ParkingBayOccupancy,EVConnected,Authorized,PowerPathClosed,EnergyTransfer", "ReadWrite"),
        ("EVSE", "AvailabilityState", "Available", "OptionList", null, "Available,Occupied,Reserved,Unavailable,Faulted", "ReadOnly"),
        ("EVSE", "Power", "22000", "decimal", "W", null, "ReadOnly"),
        ("Connector", "ConnectorType", "cType2", "string", null, null, "ReadOnly"),
        ("SecurityCtrlr", "SecurityProfile", "2", "integer", null, null, "ReadOnly"),
    ];

    /// <summary>A base-report page of 50 device-model variables, as a station answers GetBaseReport(FullInventory).</summary>
    public static readonly byte[] NotifyReport = BuildNotifyReport(50);

    private static byte[] BuildNotifyReport(int entries)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("requestId", 4711);
            json.WriteString("generatedAt", "2025-03-14T09:30:00.000Z");
            json.WriteBoolean("tbc", true);
            json.WriteNumber("seqNo", 0);
            json.WriteStartArray("reportData");
            for (var i = 0; i < entries; i++)
            {
                var v = Variables[i % Variables.Length];
                var evse = i / Variables.Length;
                json.WriteStartObject();
                json.WriteStartObject("component");
                json.WriteString("name", v.Component);
                if (v.Component is "EVSE" or "Connector")
                {
                    json.WriteStartObject("evse");
                    json.WriteNumber("id", evse + 1);
                    if (v.Component == "Connector")
                    {
                        json.WriteNumber("connectorId", 1);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
                json.WriteStartObject("variable");
                json.WriteString("name", v.Variable);
                json.WriteEndObject();
                json.WriteStartArray("variableAttribute");
                json.WriteStartObject();
                json.WriteString("type", "Actual");
                json.WriteString("value", v.Value);
                json.WriteString("mutability", v.Mutability);
                json.WriteBoolean("persistent", true);
                json.WriteBoolean("constant", false);
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteStartObject("variableCharacteristics");
                if (v.Unit is not null)
                {
                    json.WriteString("unit", v.Unit);
                }

                json.WriteString("dataType", v.DataType);
                if (v.Values is not null)
                {
                    json.WriteString("valuesList", v.Values);
                }

                json.WriteBoolean("supportsMonitoring", v.Mutability == "ReadOnly");
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
