using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;
using Ohm.Station.DeviceModel;

namespace Ohm.Station.Blocks;

/// <summary>
/// B: provisioning. BootNotification (B01-B03), SetVariables (B05), GetVariables (B06), GetBaseReport (B07),
/// GetReport (B08) and Reset (B11, B12).
/// </summary>
public sealed class Provisioning
{
    private readonly IStationContext _context;
    private readonly IStateGate _gate;
    private readonly IStationLifecycle _lifecycle;
    private readonly Transactions _transactions;
    private readonly SecurityVariables _security;
    private bool _resetOnIdle;

    internal Provisioning(IStationContext context, IStateGate gate, IStationLifecycle lifecycle, Transactions transactions, SecurityVariables security)
    {
        _context = context;
        _gate = gate;
        _lifecycle = lifecycle;
        _transactions = transactions;
        _security = security;
        transactions.Ended += OnTransactionEnded;
    }

    /// <summary>Whether a message triggered by the CSMS may go out although the station is Pending (B02).</summary>
    internal bool TriggeredWhilePending { get; private set; }

    /// <summary>B01: BootNotification with the identification from the configuration.</summary>
    internal Task<BootNotificationResponse> SendBootNotificationAsync(CancellationToken cancellationToken)
    {
        var info = _context.Model.Config.Station;
        return _context.CallAsync(
            new BootNotificationRequest
            {
                Reason = _lifecycle.BootReason,
                ChargingStation = new ChargingStationType
                {
                    VendorName = info.VendorName,
                    Model = info.Model,
                    SerialNumber = info.SerialNumber,
                    FirmwareVersion = _context.Hardware.Firmware.CurrentVersion ?? info.FirmwareVersion,
                },
            },
            cancellationToken);
    }

    /// <summary>B06: GetVariables.</summary>
    internal ValueTask<GetVariablesResponse> GetVariables(GetVariablesRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        CheckItems(OcppActions.GetVariables, request.GetVariableData.Count, "GetVariables");
        return ValueTask.FromResult(new GetVariablesResponse { GetVariableResult = request.GetVariableData.Select(_context.Model.Get).ToList() });
    }

    /// <summary>B05: SetVariables; a value set takes effect at once (the blocks read the model live) or answers RebootRequired.</summary>
    internal async ValueTask<SetVariablesResponse> SetVariables(SetVariablesRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        CheckItems(OcppActions.SetVariables, request.SetVariableData.Count, "SetVariables");
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new SetVariablesResponse { SetVariableResult = request.SetVariableData.Select(Set).ToList() };
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>B05 for one item: the security rules first (A01, B10), then the device model; a change may raise a security event (A04).</summary>
    private SetVariableResultType Set(SetVariableDataType item)
    {
        if (_security.Check(item) is { } rejected)
        {
            return rejected;
        }

        var result = _context.Model.Set(item);
        _security.Applied(item, result);
        return result;
    }

    /// <summary>B07: GetBaseReport, answered then sent as NotifyReport parts.</summary>
    internal ValueTask<GetBaseReportResponse> GetBaseReport(GetBaseReportRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        var data = _context.Model.BaseReport(request.ReportBase);
        SendReportLater(request.RequestId, data);
        return ValueTask.FromResult(new GetBaseReportResponse { Status = GenericDeviceModelStatusEnumType.Accepted });
    }

    /// <summary>B08: GetReport with componentCriteria and componentVariable; EmptyResultSet when nothing matches.</summary>
    internal ValueTask<GetReportResponse> GetReport(GetReportRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        var data = _context.Model.CustomReport(request.ComponentCriteria, request.ComponentVariable);
        if (data.Count == 0)
        {
            return ValueTask.FromResult(new GetReportResponse { Status = GenericDeviceModelStatusEnumType.EmptyResultSet });
        }

        SendReportLater(request.RequestId, data);
        return ValueTask.FromResult(new GetReportResponse { Status = GenericDeviceModelStatusEnumType.Accepted });
    }

    /// <summary>B11/B12: Reset Immediate (transactions end with ImmediateReset) or OnIdle (Scheduled while a transaction runs).</summary>
    internal async ValueTask<ResetResponse> Reset(ResetRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        if (request.EvseId is not null && request.EvseId != 0)
        {
            return new ResetResponse { Status = ResetStatusEnumType.Rejected, StatusInfo = new StatusInfoType { ReasonCode = "EvseResetNotSupported" } };
        }

        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (request.Type == ResetEnumType.OnIdle && _transactions.AnyRunning)
            {
                _resetOnIdle = true;
                _context.Report("reset scheduled for when the transactions end");
                return new ResetResponse { Status = ResetStatusEnumType.Scheduled };
            }

            foreach (var evse in _context.Evses.Values.Where(e => e.Transaction is not null))
            {
                _transactions.End(evse, TriggerReasonEnumType.ResetCommand, ReasonEnumType.ImmediateReset);
            }
        }
        finally
        {
            _gate.Exit();
        }

        _context.Background.Run("restart after Reset", () => RestartSoonAsync(request.Type));
        return new ResetResponse { Status = ResetStatusEnumType.Accepted };
    }

    /// <summary>F06: TriggerMessage(BootNotification): the next BootNotification goes now, with reason Triggered.</summary>
    internal void TriggerBootNotification()
    {
        _lifecycle.BootReason = BootReasonEnumType.Triggered;
        _lifecycle.BootNow();
    }

    /// <summary>Called under the gate when a transaction ended: runs a reset that waited for idle.</summary>
    private void OnTransactionEnded()
    {
        if (_resetOnIdle && !_transactions.AnyRunning)
        {
            _resetOnIdle = false;
            _context.Background.Run("restart after Reset (OnIdle)", () => RestartSoonAsync(ResetEnumType.OnIdle));
        }
    }

    /// <summary>F06: TriggerMessage(BootNotification) while Pending.</summary>
    internal void AllowTriggered(bool allowed) => TriggeredWhilePending = allowed;

    private async Task RestartSoonAsync(ResetEnumType type)
    {
        // A04: the reset is a security event, queued now; online it leaves with the answer and the last transaction
        // events before the engine restarts (waited for below), so that it is not sent as the connection closes and
        // sent again after the boot; offline it waits in the queue and goes after the next boot.
        _security.ResetOrReboot("Reset " + type);

        // Let the answer and the last transaction events leave before the engine restarts.
        var stopping = _context.Stopping;
        for (var i = 0; i < 50 && _context.IsOnline && _context.QueueLength > 0; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), _context.Clock, stopping).ConfigureAwait(false);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(200), _context.Clock, stopping).ConfigureAwait(false);
        _context.Report("reset: restarting the engine");
        _lifecycle.RequestRestart(BootReasonEnumType.RemoteReset);
    }

    private void CheckItems(OcppAction action, int count, string instance)
    {
        var max = _context.Model.Number("DeviceDataCtrlr", "ItemsPerMessage", int.MaxValue, instance);
        if (count > max)
        {
            throw new OcppCallErrorException(action.Name, OcppErrorCode.OccurrenceConstraintViolation, $"At most {max} items per {action.Name} (ItemsPerMessage{instance}).");
        }
    }

    private void SendReportLater(int requestId, List<ReportDataType> data)
    {
        var items = _context.Model.Number("DeviceDataCtrlr", "ItemsPerMessage", 50, "GetReport");
        var bytes = _context.Model.Number("DeviceDataCtrlr", "BytesPerMessage", 65000, "GetReport");
        var parts = StationDeviceModel.Split(data, items, bytes);
        var generatedAt = _context.Now;
        _context.Background.Run("NotifyReport " + requestId.ToString(System.Globalization.CultureInfo.InvariantCulture), async () =>
        {
            try
            {
                for (var i = 0; i < parts.Count; i++)
                {
                    await _context.CallAsync(
                        new NotifyReportRequest
                        {
                            RequestId = requestId,
                            GeneratedAt = generatedAt,
                            SeqNo = i,
                            Tbc = i < parts.Count - 1,
                            ReportData = parts[i],
                        },
                        _context.Stopping).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is OcppConnectionClosedException or OcppCallTimeoutException or OcppCallErrorException or OperationCanceledException or InvalidOperationException)
            {
                _context.Report("NotifyReport failed: " + ex.Message);
            }
        });
    }
}
