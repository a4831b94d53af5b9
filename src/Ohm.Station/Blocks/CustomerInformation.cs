using System.Globalization;
using System.Text;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;

namespace Ohm.Station.Blocks;

/// <summary>
/// N09 Get Customer Information, N10 Clear Customer Information, part of block N on the station: what the station holds
/// about a customer's idToken (its authorization cache entry, its local list entry, the transactions it runs on an EVSE)
/// is reported in NotifyCustomerInformation parts of at most <see cref="PartLength"/> characters (seqNo from 0, tbc on
/// all but the last), and a clear removes the cache and local list entries. A running transaction keeps its token until
/// it ends (its events are the CSMS's billing record); the report says so.
/// </summary>
/// <remarks>
/// The answer: Rejected when neither report nor clear is asked for, Invalid when no customer is named (no idToken,
/// customerCertificate or customerIdentifier), Accepted otherwise; after Accepted the station always sends at least one
/// part (with clear alone, what it cleared). The station keys nothing by customerIdentifier or customer certificate, so
/// for those it reports that it holds nothing.
/// </remarks>
public sealed class CustomerInformation
{
    /// <summary>The most characters one NotifyCustomerInformation's data may hold (the schema's limit).</summary>
    public const int MaxPartLength = 512;

    private readonly IStationContext _context;
    private readonly IStateGate _gate;
    private readonly AuthorizationCache _cache;
    private readonly LocalAuthList _localList;

    internal CustomerInformation(IStationContext context, IStateGate gate, AuthorizationCache cache, LocalAuthList localList)
    {
        _context = context;
        _gate = gate;
        _cache = cache;
        _localList = localList;
    }

    /// <summary>How many characters of data go in one part: at most <see cref="MaxPartLength"/>.</summary>
    internal int PartLength { get; set; } = MaxPartLength;

    // N09 Get Customer Information, N10 Clear Customer Information: answered, then the NotifyCustomerInformation parts.
    internal async ValueTask<CustomerInformationResponse> Receive(CustomerInformationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        if (!request.Report && !request.Clear)
        {
            _context.Report($"CustomerInformation {request.RequestId} rejected: neither report nor clear");
            return new CustomerInformationResponse
            {
                Status = CustomerInformationStatusEnumType.Rejected,
                StatusInfo = new StatusInfoType { ReasonCode = "NothingToDo", AdditionalInfo = "Neither report nor clear is true." },
            };
        }

        if (request.IdToken is null && request.CustomerCertificate is null && request.CustomerIdentifier is null)
        {
            _context.Report($"CustomerInformation {request.RequestId} invalid: no customer named");
            return new CustomerInformationResponse
            {
                Status = CustomerInformationStatusEnumType.Invalid,
                StatusInfo = new StatusInfoType { ReasonCode = "MissingParam", AdditionalInfo = "Name the customer by idToken, customerCertificate or customerIdentifier." },
            };
        }

        string data;
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            data = Gather(request);
        }
        finally
        {
            _gate.Exit();
        }

        _context.Report($"CustomerInformation {request.RequestId}: " + (request.Report ? "report" : "") + (request.Report && request.Clear ? " and " : "") + (request.Clear ? "clear" : ""));
        SendLater(request.RequestId, data);
        return new CustomerInformationResponse { Status = CustomerInformationStatusEnumType.Accepted };
    }

    /// <summary>The data about the customer (when asked to report), clearing what it names (when asked to). Under the gate.</summary>
    private string Gather(CustomerInformationRequest request)
    {
        var text = new StringBuilder();
        if (request.IdToken is not { } token)
        {
            var who = request.CustomerIdentifier is { } id ? $"customerIdentifier {id}" : $"customer certificate serial {request.CustomerCertificate!.SerialNumber}";
            text.Append(CultureInfo.InvariantCulture, $"No information held about {who}.");
            return text.ToString();
        }

        text.Append(CultureInfo.InvariantCulture, $"idToken {token.IdToken} ({token.Type.ToWire()})");
        var held = false;
        if (_cache.Describe(token) is { } cached)
        {
            held = true;
            if (request.Report)
            {
                text.Append(CultureInfo.InvariantCulture, $"\nauthorization cache: {cached}");
            }

            if (request.Clear && _cache.Forget(token))
            {
                text.Append("\ncleared: authorization cache entry");
            }
        }

        if (_localList.EntryOf(token) is { } entry)
        {
            held = true;
            if (request.Report)
            {
                text.Append(CultureInfo.InvariantCulture, $"\nlocal authorization list: status {entry.Status.ToWire()}")
                    .Append(entry.CacheExpiryDateTime is { } expiry ? string.Create(CultureInfo.InvariantCulture, $", expires {expiry:O}") : "");
            }

            if (request.Clear && _localList.Remove(token))
            {
                text.Append("\ncleared: local authorization list entry");
            }
        }

        foreach (var evse in _context.Evses.Values.OrderBy(e => e.Id))
        {
            var tx = evse.Transaction;
            var authorized = evse.AuthorizedToken is { } a && a.IdToken == token.IdToken && a.Type == token.Type;
            if (!authorized && tx?.ReportedIdToken != token.IdToken)
            {
                continue;
            }

            held = true;
            if (request.Report)
            {
                text.Append(tx is null
                    ? string.Create(CultureInfo.InvariantCulture, $"\nEVSE {evse.Id}: authorized, no transaction yet")
                    : string.Create(CultureInfo.InvariantCulture, $"\ntransaction {tx.Id} on EVSE {evse.Id}: started {tx.StartedAt:O}, {evse.EnergyWh - tx.StartEnergyWh} Wh so far"));
            }

            if (request.Clear)
            {
                text.Append(CultureInfo.InvariantCulture, $"\nkept: the authorization on EVSE {evse.Id} until its transaction ends");
            }
        }

        if (!held)
        {
            text.Append(": no information held.");
        }

        return text.ToString();
    }

    /// <summary>Sends the data in parts of <see cref="PartLength"/> characters (one empty part for no data).</summary>
    private void SendLater(int requestId, string data)
    {
        var size = Math.Clamp(PartLength, 1, MaxPartLength);
        var parts = new List<string>();
        for (var at = 0; at < data.Length; at += size)
        {
            parts.Add(data.Substring(at, Math.Min(size, data.Length - at)));
        }

        if (parts.Count == 0)
        {
            parts.Add("");
        }

        var generatedAt = _context.Now;
        _context.Background.Run("NotifyCustomerInformation " + requestId.ToString(CultureInfo.InvariantCulture), async () =>
        {
            try
            {
                for (var i = 0; i < parts.Count; i++)
                {
                    await _context.CallAsync(
                        new NotifyCustomerInformationRequest { RequestId = requestId, SeqNo = i, Tbc = i < parts.Count - 1, GeneratedAt = generatedAt, Data = parts[i] },
                        _context.Stopping).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is OcppConnectionClosedException or OcppCallTimeoutException or OcppCallErrorException or OperationCanceledException or InvalidOperationException)
            {
                _context.Report("NotifyCustomerInformation failed: " + ex.Message);
            }
        });
    }
}
