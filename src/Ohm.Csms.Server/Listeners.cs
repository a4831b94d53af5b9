using System.Net;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Ohm.Csms.Server;

/// <summary>
/// The two listeners of the CSMS, the OCPP endpoint and the API, each on its own address. Each connection is tagged
/// with its listener so that OCPP paths answer only on the OCPP address and the API only on the API address.
/// </summary>
internal static class Listeners
{
    private const string Key = "ohm.listener";
    public const string Ocpp = "ocpp";
    public const string Api = "api";

    public static void Configure(KestrelServerOptions kestrel, Uri ocpp, Uri api, Action<ListenOptions>? ocppTls)
    {
        var same = ocpp.Host == api.Host && ocpp.Port == api.Port && ocpp.Port != 0;
        Listen(kestrel, ocpp, same ? Ocpp + "," + Api : Ocpp, ocppTls);
        if (!same)
        {
            Listen(kestrel, api, Api, null);
        }
    }

    private static void Listen(KestrelServerOptions kestrel, Uri url, string tag, Action<ListenOptions>? tls)
    {
        void Setup(ListenOptions options)
        {
            options.Protocols = HttpProtocols.Http1;
            options.Use(next => connection =>
            {
                connection.Items[Key] = tag;
                return next(connection);
            });
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
    }

    /// <summary>Whether the request came in on the named listener.</summary>
    public static bool Is(HttpContext context, string listener) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(Key, out var tag) == true
        && tag is string text && text.Split(',').Contains(listener);
}
