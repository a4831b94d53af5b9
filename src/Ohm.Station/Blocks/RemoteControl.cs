using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Hardware;

namespace Ohm.Station.Blocks;

/// <summary>F: remote control. RequestStartTransaction (F01, F02 with AuthorizeRemoteStart), RequestStopTransaction (F03), UnlockConnector (F05), TriggerMessage (F06).</summary>
public sealed class RemoteControl
{
    private readonly ChargingStation _station;

    internal RemoteControl(ChargingStation station) => _station = station;

    /// <summary>F01/F02: RequestStartTransaction.</summary>
    internal async ValueTask<RequestStartTransactionResponse> RequestStartTransaction(RequestStartTransactionRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        Evse? evse;
        await _station.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            evse = request.EvseId is { } id
                ? _station.Evses.GetValueOrDefault(id)
                : _station.Evses.Values.FirstOrDefault(e => e.Transaction is null && e.AuthorizedToken is null && !e.Inoperative && e.Plugged)
                  ?? _station.Evses.Values.FirstOrDefault(e => e.Transaction is null && e.AuthorizedToken is null && !e.Inoperative);
            if (evse is null || evse.Inoperative || _station.Availability.StationInoperative || (evse.AuthorizedToken is not null && evse.Transaction is null))
            {
                return new RequestStartTransactionResponse { Status = RequestStartStopStatusEnumType.Rejected };
            }

            if (evse.Transaction is { } running && evse.AuthorizedToken is not null)
            {
                return new RequestStartTransactionResponse { Status = RequestStartStopStatusEnumType.Rejected, TransactionId = running.Id };
            }
        }
        finally
        {
            _station.Gate.Release();
        }

        var existing = evse.Transaction?.Id;
        var target = evse;
        _station.Background.Run("remote start", async () =>
        {
            var status = _station.Model.Flag("AuthCtrlr", "AuthorizeRemoteStart", true)
                ? await _station.Authorization.AuthorizeAsync(request.IdToken).ConfigureAwait(false)
                : AuthorizationStatusEnumType.Accepted;
            if (status != AuthorizationStatusEnumType.Accepted)
            {
                _station.Report($"remote start of {request.IdToken.IdToken} refused: {status}");
                return;
            }

            await _station.Transactions.WithEvseAsync(target.Id, e => _station.Authorization.Grant(e, request.IdToken, request.RemoteStartId, TriggerReasonEnumType.RemoteStart)).ConfigureAwait(false);
        });
        return new RequestStartTransactionResponse { Status = RequestStartStopStatusEnumType.Accepted, TransactionId = existing };
    }

    /// <summary>F03: RequestStopTransaction: deauthorizes; the transaction ends per TxStopPoint.</summary>
    internal async ValueTask<RequestStopTransactionResponse> RequestStopTransaction(RequestStopTransactionRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await _station.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var evse = _station.Transactions.Find(request.TransactionId);
            if (evse is null)
            {
                return new RequestStopTransactionResponse { Status = RequestStartStopStatusEnumType.Rejected };
            }
        }
        finally
        {
            _station.Gate.Release();
        }

        _station.Background.Run("remote stop", async () =>
        {
            await _station.Gate.WaitAsync(_station.Stopping).ConfigureAwait(false);
            try
            {
                if (_station.Transactions.Find(request.TransactionId) is { } evse)
                {
                    evse.AuthorizedToken = null;
                    var stops = _station.Model.List("TxCtrlr", "TxStopPoint");
                    var force = !stops.Any(p => p is "Authorized" or "PowerPathClosed" or "DataSigned" or "EnergyTransfer");
                    if (force)
                    {
                        // E06: with only EVConnected/ParkingBayOccupancy stop points the energy stops and the transaction waits for the cable.
                        evse.Deauthorized = true;
                    }

                    _station.Transactions.Evaluate(evse, TriggerReasonEnumType.RemoteStop, ReasonEnumType.Remote);
                }
            }
            finally
            {
                _station.Gate.Release();
            }
        });
        return new RequestStopTransactionResponse { Status = RequestStartStopStatusEnumType.Accepted };
    }

    /// <summary>F05: UnlockConnector.</summary>
    internal async ValueTask<UnlockConnectorResponse> UnlockConnector(UnlockConnectorRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        var status = !_station.Evses.TryGetValue(request.EvseId, out var evse) || request.ConnectorId != evse.ConnectorId
            ? UnlockStatusEnumType.UnknownConnector
            : evse.Transaction is not null && evse.AuthorizedToken is not null
                ? UnlockStatusEnumType.OngoingAuthorizedTransaction
                : await _station.Hardware.ConnectorLock.UnlockAsync(evse.Id, evse.ConnectorId, cancellationToken).ConfigureAwait(false) == UnlockResult.Unlocked
                    ? UnlockStatusEnumType.Unlocked
                    : UnlockStatusEnumType.UnlockFailed;
        _station.Report($"unlock EVSE {request.EvseId}: {status}");
        return new UnlockConnectorResponse { Status = status };
    }

    /// <summary>F06: TriggerMessage.</summary>
    internal async ValueTask<TriggerMessageResponse> TriggerMessage(TriggerMessageRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        var evseId = request.Evse?.Id;
        if (evseId is not null && evseId != 0 && !_station.Evses.ContainsKey(evseId.Value))
        {
            return new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.Rejected };
        }

        switch (request.RequestedMessage)
        {
            case MessageTriggerEnumType.BootNotification:
                if (_station.Registration == RegistrationStatusEnumType.Accepted)
                {
                    return new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.Rejected };
                }

                _station.BootReason = BootReasonEnumType.Triggered;
                _station.BootNow();
                break;
            case MessageTriggerEnumType.Heartbeat:
                _station.Provisioning.AllowTriggered(true);
                _station.Background.Run("triggered Heartbeat", async () =>
                {
                    try
                    {
                        await _station.Availability.SendHeartbeatAsync(_station.Stopping).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is OcppConnectionClosedException or OcppCallTimeoutException or OcppCallErrorException or InvalidOperationException or OperationCanceledException)
                    {
                        _station.Report("triggered Heartbeat failed: " + ex.Message);
                    }
                    finally
                    {
                        _station.Provisioning.AllowTriggered(false);
                    }
                });
                break;
            case MessageTriggerEnumType.StatusNotification:
            case MessageTriggerEnumType.MeterValues:
            case MessageTriggerEnumType.TransactionEvent:
                if (_station.Registration != RegistrationStatusEnumType.Accepted)
                {
                    return new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.Rejected };
                }

                _station.Background.Run("triggered " + request.RequestedMessage, () => SendTriggeredAsync(request.RequestedMessage, evseId is 0 ? null : evseId));
                break;
            case MessageTriggerEnumType.FirmwareStatusNotification:
                _station.Background.Run("triggered FirmwareStatusNotification", () => SendQuietlyAsync(new FirmwareStatusNotificationRequest { Status = FirmwareStatusEnumType.Idle }));
                break;
            case MessageTriggerEnumType.LogStatusNotification:
                _station.Background.Run("triggered LogStatusNotification", () => SendQuietlyAsync(new LogStatusNotificationRequest { Status = UploadLogStatusEnumType.Idle }));
                break;
            default:
                return new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.NotImplemented };
        }

        await Task.CompletedTask.ConfigureAwait(false);
        return new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.Accepted };
    }

    private async Task SendTriggeredAsync(MessageTriggerEnumType message, int? evseId)
    {
        await _station.Gate.WaitAsync(_station.Stopping).ConfigureAwait(false);
        try
        {
            foreach (var evse in _station.Evses.Values.Where(e => evseId is null || e.Id == evseId))
            {
                switch (message)
                {
                    case MessageTriggerEnumType.StatusNotification:
                        _station.Availability.Update(evse, force: true);
                        break;
                    case MessageTriggerEnumType.TransactionEvent when evse.Transaction is not null:
                        _station.Transactions.Emit(
                            evse,
                            TransactionEventEnumType.Updated,
                            TriggerReasonEnumType.Trigger,
                            meter: _station.Metering.Sample(evse, "SampledDataCtrlr", "TxUpdatedMeasurands", ReadingContextEnumType.Trigger),
                            chargingState: evse.Transaction.ChargingState);
                        break;
                    case MessageTriggerEnumType.MeterValues:
                        _station.Metering.SendTriggered(evse.Id);
                        break;
                }
            }
        }
        finally
        {
            _station.Gate.Release();
        }
    }

    private async Task SendQuietlyAsync<TResponse>(Ohm.Ocpp.IOcppRequest<TResponse> request)
        where TResponse : class, Ohm.Ocpp.IOcppResponse
    {
        try
        {
            await _station.CallAsync(request, _station.Stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OcppConnectionClosedException or OcppCallTimeoutException or OcppCallErrorException or InvalidOperationException or OperationCanceledException)
        {
            _station.Report("triggered message failed: " + ex.Message);
        }
    }
}
