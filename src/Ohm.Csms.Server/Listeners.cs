using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Ohm.Csms.Server;

/// <summary>
/// The two listeners of the CSMS, the OCPP endpoint and the API, each on its own address. A request is told apart by
/// the local address it arrived on, so that OCPP paths answer only on the OCPP address and the API only on the API
/// address. (Tagging each connection in <c>ConnectionContext.Items</c> would cost a dictionary per connection, and an
/// OCPP connection lives for days.)
/// </summary>
internal sealed class Listeners
{
    public const string Ocpp = "ocpp";
    public const string Api = "api";

    private readonly List<(ListenOptions Options, string[] Tags)> _listeners = [];

    private ListenOptions? _plainOcpp;

    /// <summary>
    /// Listens on both addresses; each https one with its TLS setup. Where both share one address, it is one listener
    /// with the OCPP endpoint's TLS. <paramref name="plainOcpp"/>, when given, is a further OCPP listener without TLS
    /// (Ocpp:PlainUrl), listened on last.
    /// </summary>
    public void Configure(KestrelServerOptions kestrel, Uri ocpp, Uri api, Action<ListenOptions>? ocppTls, Action<ListenOptions>? apiTls, Uri? plainOcpp = null)
    {
        var same = ocpp.Host == api.Host && ocpp.Port == api.Port && ocpp.Port != 0;
        Listen(kestrel, ocpp, same ? [Ocpp, Api] : [Ocpp], ocppTls);
        if (!same)
        {
            Listen(kestrel, api, [Api], apiTls);
        }

        if (plainOcpp is not null)
        {
            _plainOcpp = Listen(kestrel, plainOcpp, [Ocpp], null);
        }
    }

    /// <summary>The address the plain OCPP listener (Ocpp:PlainUrl) is bound to, or null without one or before it is bound.</summary>
    public IPEndPoint? PlainOcppEndPoint => _plainOcpp?.IPEndPoint;

    private ListenOptions? Listen(KestrelServerOptions kestrel, Uri url, string[] tags, Action<ListenOptions>? tls)
    {
        ListenOptions? listened = null;
        void Setup(ListenOptions options)
        {
            listened = options;
            options.Protocols = HttpProtocols.Http1;
            _listeners.Add((options, tags));
            if (url.Scheme == "https")
            {
                tls?.Invoke(options);
            }
        }

        if (url.Host is "localhost")
        {
            kestrel.ListenLocalhost(url.Port, Setup);
        }
        else if (url.Host is "*" or "+" or "0.0.0.0")
        {
            kestrel.ListenAnyIP(url.Port, Setup);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(url.Host.Trim('[', ']')), url.Port, Setup);
        }

        return listened;
    }

    /// <summary>The address the OCPP listener is bound to (its port once Kestrel has bound it), or null before.</summary>
    public IPEndPoint? OcppEndPoint
    {
        get
        {
            foreach (var (options, tags) in _listeners)
            {
                if (Array.IndexOf(tags, Ocpp) >= 0)
                {
                    return options.IPEndPoint;
                }
            }

            return null;
        }
    }

    /// <summary>Whether the request came in on the named listener.</summary>
    /// <remarks>
    /// Kestrel writes the bound port back into the listen options (port 0 included), so the port tells the listeners
    /// apart; where two listen on the same port, on different addresses, the address decides.
    /// </remarks>
    public bool Is(HttpContext context, string listener)
    {
        var port = context.Connection.LocalPort;
        var local = context.Connection.LocalIpAddress;
        string[]? tags = null;
        string[]? onlyOnPort = null;
        var onPort = 0;
        foreach (var (options, entryTags) in _listeners)
        {
            if (options.IPEndPoint is not { } endPoint || endPoint.Port != port)
            {
                continue;
            }

            onPort++;
            onlyOnPort = entryTags;
            if (Covers(endPoint.Address, local))
            {
                tags = entryTags;
                break;
            }
        }

        tags ??= onPort == 1 ? onlyOnPort : null;
        return tags is not null && Array.IndexOf(tags, listener) >= 0;
    }

    private static bool Covers(IPAddress bound, IPAddress? local) =>
        local is not null
        && (bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any) || bound.Equals(local)
            || (IPAddress.IsLoopback(bound) && IPAddress.IsLoopback(local))
            || (local.IsIPv4MappedToIPv6 && bound.Equals(local.MapToIPv4())));
}
