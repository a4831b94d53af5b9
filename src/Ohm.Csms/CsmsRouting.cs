using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms;

/// <summary>
/// The routing table of the CSMS: every action a station may send, with the block method that serves it. An action
/// that is not listed is answered with NotSupported. Until a station is Accepted, only BootNotification and messages
/// the CSMS triggered get through; anything else is answered with SecurityError (B02.FR.09, B03.FR.07).
/// </summary>
public sealed class CsmsRouting(Provisioning provisioning, Authorization authorization, Transactions transactions, Metering metering, Availability availability, DataTransfer dataTransfer)
{
    /// <summary>The handlers of the CSMS.</summary>
    public OcppHandlers Build() => new OcppHandlers()
        .On(OcppActions.BootNotification, provisioning.BootNotificationAsync)
        .On(OcppActions.NotifyReport, Accepted<NotifyReportRequest, NotifyReportResponse>(OcppActions.NotifyReport, provisioning.NotifyReportAsync))
        .On(OcppActions.Authorize, Accepted<AuthorizeRequest, AuthorizeResponse>(OcppActions.Authorize, authorization.AuthorizeAsync))
        .On(OcppActions.TransactionEvent, Accepted<TransactionEventRequest, TransactionEventResponse>(OcppActions.TransactionEvent, transactions.TransactionEventAsync))
        .On(OcppActions.MeterValues, Accepted<MeterValuesRequest, MeterValuesResponse>(OcppActions.MeterValues, metering.MeterValuesAsync))
        .On(OcppActions.StatusNotification, Accepted<StatusNotificationRequest, StatusNotificationResponse>(OcppActions.StatusNotification, availability.StatusNotificationAsync))
        .On(OcppActions.Heartbeat, Accepted<HeartbeatRequest, HeartbeatResponse>(OcppActions.Heartbeat, availability.HeartbeatAsync))
        .On(OcppActions.DataTransfer, Accepted<DataTransferRequest, DataTransferResponse>(OcppActions.DataTransfer, dataTransfer.DataTransferAsync));

    private static OcppHandler<TRequest, TResponse> Accepted<TRequest, TResponse>(OcppAction action, OcppHandler<TRequest, TResponse> handler)
        where TRequest : class, IOcppRequest<TResponse>
        where TResponse : class, IOcppResponse =>
        (request, context, cancellationToken) =>
        {
            var session = StationSessions.Of(context.Connection);
            session.LastSeenAt = DateTimeOffset.UtcNow;
            if (!session.IsAccepted && !session.ConsumeTriggered(action.Name))
            {
                throw new OcppCallErrorException(
                    action.Name,
                    OcppErrorCode.SecurityError,
                    session.RegistrationStatus is null
                        ? $"{action.Name} before BootNotification: the station must boot first."
                        : $"{action.Name} while the station's registration is {session.RegistrationStatus}; only BootNotification is accepted.");
            }

            return handler(request, context, cancellationToken);
        };
}
