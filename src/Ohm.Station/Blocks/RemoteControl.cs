using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;
using Ohm.Station.Hardware;

namespace Ohm.Station.Blocks;

/// <summary>F: remote control. RequestStartTransaction (F01, F02 with AuthorizeRemoteStart), RequestStopTransaction (F03), UnlockConnector (F05), TriggerMessage (F06).</summary>
public sealed class RemoteControl
{
    private readonly IStationContext _context;
    private readonly IStateGate _gate;
    private readonly Provisioning _provisioning;
    private readonly Authorization _authorization;
    private readonly Transactions _transactions;
    private readonly TransactionEvents _events;
    private readonly Availability _availability;
    private readonly Metering _metering;

    internal RemoteControl(
        IStationContext context,
        IStateGate gate,
        Provisioning provisioning,
        Authorization authorization,
        Transactions transactions,
        TransactionEvents events,
        Availability availability,
        Metering metering)
    {
        _context = context;
        _gate = gate;
        _provisioning = provisioning;
        _authorization = authorization;
        _transactions = transactions;
        _events = events;
        _availability = availability;
        _metering = metering;
    }

    /// <summary>K: smart charging, which checks and keeps the chargingProfile of a remote start (K05; set by the SmartCharging block).</summary>
    internal SmartCharging? SmartCharging { get; set; }

    /// <summary>A: security, which renews the station's certificates on TriggerMessage SignChargingStationCertificate (A02; set by the station).</summary>
    internal Security? Security { get; set; }

    /// <summary>L: firmware management, whose current state TriggerMessage FirmwareStatusNotification reports (L01.FR.25/26; set by the station).</summary>
    internal Firmware? Firmware { get; set; }
    /// <summary>N01: the log uploads, whose state a triggered LogStatusNotification tells.</summary>
    internal LogUpload? LogUpload { get; set; }

    /// <summary>F01/F02: RequestStartTransaction.</summary>
    internal async ValueTask<RequestStartTransactionResponse> RequestStartTransaction(RequestStartTransactionRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        Evse? evse;
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            evse = request.EvseId is { } id
                ? _context.Evses.GetValueOrDefault(id)
                : _context.Evses.Values.FirstOrDefault(e => e.Transaction is null && e.AuthorizedToken is null && !e.Inoperative && e.Plugged)
                  ?? _context.Evses.Values.FirstOrDefault(e => e.Transaction is null && e.AuthorizedToken is null && !e.Inoperative);
            if (evse is null || evse.Inoperative || evse.Faulted || _availability.StationInoperative || (evse.AuthorizedToken is not null && evse.Transaction is null))
            {
                return new RequestStartTransactionResponse { Status = RequestStartStopStatusEnumType.Rejected };
            }

            // H03, C09: a reserved EVSE takes only its idToken or group.
            if (_authorization.Reservation?.MayUse(evse, request.IdToken, request.GroupIdToken) == false)
            {
                return new RequestStartTransactionResponse { Status = RequestStartStopStatusEnumType.Rejected };
            }

            if (evse.Transaction is { } running && evse.AuthorizedToken is not null)
            {
                return new RequestStartTransactionResponse { Status = RequestStartStopStatusEnumType.Rejected, TransactionId = running.Id };
            }

            // K05: the chargingProfile must be a valid TxProfile; it applies to the transaction that starts.
            if (request.ChargingProfile is { } profile && SmartCharging?.AcceptForStart(evse.Id, profile) is { } rejection)
            {
                _context.Report($"remote start on EVSE {evse.Id} rejected: chargingProfile {rejection.ReasonCode}: {rejection.AdditionalInfo}");
                return new RequestStartTransactionResponse { Status = RequestStartStopStatusEnumType.Rejected, StatusInfo = rejection.ToStatusInfo() };
            }
        }
        finally
        {
            _gate.Exit();
        }

        var existing = evse.Transaction?.Id;
        var target = evse;
        _context.Background.Run("remote start", async () =>
        {
            var status = _context.Model.Flag("AuthCtrlr", "AuthorizeRemoteStart", true)
                ? await _authorization.AuthorizeAsync(request.IdToken).ConfigureAwait(false)
                : AuthorizationStatusEnumType.Accepted;
            if (status != AuthorizationStatusEnumType.Accepted)
            {
                _context.Report($"remote start of {request.IdToken.IdToken} refused: {status}");
                SmartCharging?.DropStart(target.Id);
                return;
            }

            await _transactions.WithEvseAsync(target.Id, e => _authorization.Grant(e, request.IdToken, request.RemoteStartId, TriggerReasonEnumType.RemoteStart, request.GroupIdToken)).ConfigureAwait(false);
        });
        return new RequestStartTransactionResponse { Status = RequestStartStopStatusEnumType.Accepted, TransactionId = existing };
    }

    /// <summary>F03: RequestStopTransaction: deauthorizes; the transaction ends per TxStopPoint.</summary>
    internal async ValueTask<RequestStopTransactionResponse> RequestStopTransaction(RequestStopTransactionRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var evse = _transactions.Find(request.TransactionId);
            if (evse is null)
            {
                return new RequestStopTransactionResponse { Status = RequestStartStopStatusEnumType.Rejected };
            }
        }
        finally
        {
            _gate.Exit();
        }

        _context.Background.Run("remote stop", async () =>
        {
            await _gate.EnterAsync(_context.Stopping).ConfigureAwait(false);
            try
            {
                if (_transactions.Find(request.TransactionId) is { } evse)
                {
                    evse.AuthorizedToken = null;
                    var stops = _context.Model.List("TxCtrlr", "TxStopPoint");
                    var force = !stops.Any(p => p is "Authorized" or "PowerPathClosed" or "DataSigned" or "EnergyTransfer");
                    if (force)
                    {
                        // E06: with only EVConnected/ParkingBayOccupancy stop points the energy stops and the transaction waits for the cable.
                        evse.Deauthorized = true;
                    }

                    _transactions.Evaluate(evse, TriggerReasonEnumType.RemoteStop, ReasonEnumType.Remote);
                }
            }
            finally
            {
                _gate.Exit();
            }
        });
        return new RequestStopTransactionResponse { Status = RequestStartStopStatusEnumType.Accepted };
    }

    /// <summary>F05: UnlockConnector.</summary>
    internal async ValueTask<UnlockConnectorResponse> UnlockConnector(UnlockConnectorRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        var status = !_context.Evses.TryGetValue(request.EvseId, out var evse) || request.ConnectorId != evse.ConnectorId
            ? UnlockStatusEnumType.UnknownConnector
            : evse.Transaction is not null && evse.AuthorizedToken is not null
                ? UnlockStatusEnumType.OngoingAuthorizedTransaction
                : await _context.Hardware.ConnectorLock.UnlockAsync(evse.Id, evse.ConnectorId, cancellationToken).ConfigureAwait(false) == UnlockResult.Unlocked
                    ? UnlockStatusEnumType.Unlocked
                    : UnlockStatusEnumType.UnlockFailed;
        _context.Report($"unlock EVSE {request.EvseId}: {status}");
        return new UnlockConnectorResponse { Status = status };
    }

    /// <summary>F06: TriggerMessage.</summary>
    internal async ValueTask<TriggerMessageResponse> TriggerMessage(TriggerMessageRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        var evseId = request.Evse?.Id;
        if (evseId is not null && evseId != 0 && !_context.Evses.ContainsKey(evseId.Value))
        {
            return new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.Rejected };
        }

        switch (request.RequestedMessage)
        {
            case MessageTriggerEnumType.BootNotification:
                if (_context.Registration == RegistrationStatusEnumType.Accepted)
                {
                    return new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.Rejected };
                }

                _provisioning.TriggerBootNotification();
                break;
            case MessageTriggerEnumType.Heartbeat:
                _provisioning.AllowTriggered(true);
                _context.Background.Run("triggered Heartbeat", async () =>
                {
                    try
                    {
                        await _availability.SendHeartbeatAsync(_context.Stopping).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is OcppConnectionClosedException or OcppCallTimeoutException or OcppCallErrorException or InvalidOperationException or OperationCanceledException)
                    {
                        _context.Report("triggered Heartbeat failed: " + ex.Message);
                    }
                    finally
                    {
                        _provisioning.AllowTriggered(false);
                    }
                });
                break;
            case MessageTriggerEnumType.StatusNotification:
            case MessageTriggerEnumType.MeterValues:
            case MessageTriggerEnumType.TransactionEvent:
                if (_context.Registration != RegistrationStatusEnumType.Accepted)
                {
                    return new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.Rejected };
                }

                _context.Background.Run("triggered " + request.RequestedMessage, () => SendTriggeredAsync(request.RequestedMessage, evseId is 0 ? null : evseId));
                break;
            case MessageTriggerEnumType.FirmwareStatusNotification:
                _context.Background.Run("triggered FirmwareStatusNotification", () => SendQuietlyAsync(Firmware?.TriggeredStatus() ?? new FirmwareStatusNotificationRequest { Status = FirmwareStatusEnumType.Idle }));
                break;
            case MessageTriggerEnumType.LogStatusNotification:
                _context.Background.Run("triggered LogStatusNotification", () => SendQuietlyAsync(LogUpload?.CurrentStatus() ?? new LogStatusNotificationRequest { Status = UploadLogStatusEnumType.Idle })); // N01
                break;
            case MessageTriggerEnumType.SignChargingStationCertificate when Security is not null: // A02
                Security.RequestCertificate(SigningRequestKind.ChargingStation);
                break;
            case MessageTriggerEnumType.SignV2GCertificate when Security is not null: // A02
                Security.RequestCertificate(SigningRequestKind.V2G);
                break;
            case MessageTriggerEnumType.SignCombinedCertificate when Security is not null: // A02
                Security.RequestCertificate(SigningRequestKind.Combined);
                break;
            default:
                return new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.NotImplemented };
        }

        await Task.CompletedTask.ConfigureAwait(false);
        return new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.Accepted };
    }

    private async Task SendTriggeredAsync(MessageTriggerEnumType message, int? evseId)
    {
        await _gate.EnterAsync(_context.Stopping).ConfigureAwait(false);
        try
        {
            foreach (var evse in _context.Evses.Values.Where(e => evseId is null || e.Id == evseId))
            {
                switch (message)
                {
                    case MessageTriggerEnumType.StatusNotification:
                        _availability.Update(evse, force: true);
                        break;
                    case MessageTriggerEnumType.TransactionEvent when evse.Transaction is not null:
                        _events.Emit(
                            evse,
                            TransactionEventEnumType.Updated,
                            TriggerReasonEnumType.Trigger,
                            meter: _metering.Sample(evse, "SampledDataCtrlr", "TxUpdatedMeasurands", ReadingContextEnumType.Trigger),
                            chargingState: evse.Transaction.ChargingState);
                        break;
                    case MessageTriggerEnumType.MeterValues:
                        _metering.SendTriggered(evse.Id);
                        break;
                }
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    private async Task SendQuietlyAsync<TResponse>(Ohm.Ocpp.IOcppRequest<TResponse> request)
        where TResponse : class, Ohm.Ocpp.IOcppResponse
    {
        try
        {
            await _context.CallAsync(request, _context.Stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OcppConnectionClosedException or OcppCallTimeoutException or OcppCallErrorException or InvalidOperationException or OperationCanceledException)
        {
            _context.Report("triggered message failed: " + ex.Message);
        }
    }
}
