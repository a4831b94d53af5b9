using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ohm.Ocpp.AspNetCore;
using OpenTelemetry.Metrics;
using Ohm.Csms.Blocks;
using Ohm.Csms.Server.Api;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;
using Scalar.AspNetCore;

namespace Ohm.Csms.Server;

/// <summary>
/// Builds the CSMS web host: configuration (appsettings.json, <c>OHM__</c> environment variables, flags, validated),
/// storage, the OCPP endpoint, the operator API with its OpenAPI document, /health and /metrics.
/// </summary>
public static class CsmsHost
{
    /// <summary>
    /// Builds the host; <paramref name="overrides"/> are settings given on the command line, which win over the rest.
    /// <paramref name="configure"/> runs last, before the host is built: an embedding application (or a test) adds its
    /// own services there, a logger provider or another <see cref="TimeProvider"/> for example.
    /// </summary>
    /// <exception cref="ConfigurationException">A setting is wrong; the message names it.</exception>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> overrides, string? contentRoot = null, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = contentRoot ?? AppContext.BaseDirectory });
        builder.Configuration.AddJsonFile("appsettings.json", optional: true);
        builder.Configuration.AddEnvironmentVariables(prefix: "OHM__");
        builder.Configuration.AddInMemoryCollection(overrides);

        var ocpp = Bind<OcppEndpointOptions>(builder.Configuration, "Ocpp");
        var tls = Bind<OcppTlsOptions>(builder.Configuration, "Ocpp:Tls");
        var csms = Bind<CsmsOptions>(builder.Configuration, "Csms");
        var api = Bind<ApiOptions>(builder.Configuration, "Api");
        var storage = Bind<StorageOptions>(builder.Configuration, "Storage");
        var errors = ocpp.Validate().Concat(csms.Validate()).Concat(api.Validate()).Concat(tls.Validate()).Concat(ValidateTls(ocpp, tls)).ToList();
        if (errors.Count > 0)
        {
            throw new ConfigurationException(string.Join(Environment.NewLine, errors));
        }

        var dataFolder = Path.GetFullPath(storage.DataFolder, builder.Environment.ContentRootPath);
        CsmsDatabase database;
        try
        {
            database = storage.Database is { Length: > 0 } connection ? new CsmsDatabase(connection) : CsmsDatabase.InDataFolder(dataFolder);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"Storage:Database (--db) or Storage:DataFolder (--data) is not usable: {ex.Message}", ex);
        }

        var listeners = new Listeners();
        builder.WebHost.UseSockets(o => o.Backlog = ocpp.ListenBacklog);
        var maxConnections = ocpp.EffectiveMaxConnections();
        builder.WebHost.ConfigureKestrel(k => ConnectionLimits.Apply(k, maxConnections, TimeSpan.FromSeconds(ocpp.HandshakeTimeoutSeconds)));
        builder.WebHost.ConfigureKestrel(k => listeners.Configure(k, new Uri(ocpp.Url), new Uri(api.Url), ocpp.Url.StartsWith("https", StringComparison.Ordinal) ? o => UseTls(o, tls) : null));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

        // ASP.NET Core's request logging (request started/finished, Information only) is off: while it is on, every
        // request gets a log scope and an Activity for correlation, and an OCPP request is a WebSocket that lives as
        // long as the station stays connected, so both would be kept per connection (about 0.7 KiB). Errors are
        // still logged by Kestrel's own categories. Setting Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics
        // brings the request logs back, at that cost.
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] is null)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        }

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(ocpp).AddSingleton(csms).AddSingleton(api).AddSingleton(storage).AddSingleton(database);
        services.AddSingleton<CsmsWriter>();
        services.AddSingleton<StationSessions>();
        services.AddSingleton<IStationCallRouter>(sp => sp.GetRequiredService<StationSessions>());
        services.AddSingleton(new FailedHandshakes(ocpp.FailedHandshakes.PerAddressPerMinute, ocpp.FailedHandshakes.PerStationPerMinute));
        services.AddSingleton<SecurityEventLog>();
        services.AddSingleton<StationAdmission>();
        services.AddSingleton<StationConnections>();
        services.AddSingleton<Provisioning>().AddSingleton<Authorization>().AddSingleton<Transactions>().AddSingleton<Metering>()
            .AddSingleton<Availability>().AddSingleton<RemoteControl>().AddSingleton<DataTransfer>().AddSingleton<CsmsRouting>();
        services.AddSingleton<BackgroundWork>();
        services.AddSingleton<StationMessageStore>().AddSingleton<Security>().AddSingleton<SmartCharging>().AddSingleton<Firmware>()
            .AddSingleton<Iso15118Certificates>().AddSingleton<Diagnostics>().AddSingleton<DisplayMessage>().AddSingleton<Reservation>();
        services.AddSingleton<ApiKeyFilter>();
        services.AddSingleton(sp =>
        {
            var admission = sp.GetRequiredService<StationAdmission>();
            var server = new OcppServer(
                sp.GetRequiredService<CsmsRouting>().Build(),
                new OcppServerOptions
                {
                    PathPrefix = ocpp.PathPrefix,
                    EnableCompression = ocpp.Compression,
                    KeepAliveInterval = TimeSpan.FromSeconds(ocpp.KeepAliveSeconds),
                    Rpc = new OcppRpcOptions { CallTimeout = TimeSpan.FromSeconds(ocpp.CallTimeoutSeconds), MaxMessageSize = ocpp.MaxMessageBytes },
                    Authenticate = admission.AdmitAsync,
                },
                sp.GetRequiredService<ILoggerFactory>());
            sp.GetRequiredService<StationConnections>().Attach(server);
            return server;
        });
        services.AddProblemDetails();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // ApiErrors answers them
        services.AddOpenApi();
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(OcppMetrics.MeterName, CsmsMetrics.MeterName, "System.Runtime").AddPrometheusExporter());
        services.AddSingleton<CsmsMetrics>();

        configure?.Invoke(builder);
        var app = builder.Build();
        database.Tokens.Clock = app.Services.GetRequiredService<TimeProvider>();
        var server = app.Services.GetRequiredService<OcppServer>();
        app.UseBadRequestProblems();
        var throttle = ActivatorUtilities.CreateInstance<HandshakeThrottle>(app.Services);
        app.UseWebSockets();

        // A plain request delegate rather than an endpoint filter: a filter's async frames would stay on the stack of
        // every connection for its whole life.
        app.Map(ocpp.PathPrefix.TrimEnd('/') + "/{**stationPath}", (RequestDelegate)(context =>
        {
            if (listeners.Is(context, Listeners.Ocpp))
            {
                return throttle.Refuses(context) is { } refused ? refused : server.HandleAsync(context);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }));

        var onApi = app.MapGroup("").AddEndpointFilter((context, next) =>
            listeners.Is(context.HttpContext, Listeners.Api) ? next(context) : ValueTask.FromResult<object?>(Results.NotFound()));
        onApi.MapGet("/health", (StationSessions sessions) => Results.Ok(new { status = "Healthy", connectedStations = sessions.Count })).ExcludeFromDescription();
        onApi.MapPrometheusScrapingEndpoint("/metrics");
        onApi.MapOpenApi("/openapi/{documentName}.json");
        onApi.MapScalarApiReference("/scalar");
        var apiGroup = onApi.MapGroup("/api").AddEndpointFilter<ApiKeyFilter>();
        StationsApi.Map(apiGroup);
        IdTokensApi.Map(apiGroup);
        TransactionsApi.Map(apiGroup);
        CommandsApi.Map(apiGroup);
        OcppGenericApi.Map(apiGroup);
        StationMessagesApi.Map(apiGroup);
        EventsApi.Map(apiGroup);
        StationLimitsApi.Map(apiGroup);
        SecurityEventsApi.Map(apiGroup);
        app.Services.GetRequiredService<CsmsMetrics>();
        return app;
    }

    /// <summary>Applies the database migrations, then starts listening.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.Services.GetRequiredService<CsmsDatabase>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        await app.Services.GetRequiredService<StationAdmission>().WarnOfStationsWithoutCredentialsAsync(cancellationToken).ConfigureAwait(false);
        ConnectionLimits.LogAtStart(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The address stations connect to, once the host has started.</summary>
    public static Uri OcppEndpoint(WebApplication app) => Address(app, 0, ws: true, app.Services.GetRequiredService<OcppEndpointOptions>().PathPrefix);

    /// <summary>The base address of the API, once the host has started.</summary>
    public static Uri ApiEndpoint(WebApplication app) =>
        Address(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Count > 1 ? 1 : 0, ws: false, "");

    private static Uri Address(WebApplication app, int index, bool ws, string path)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ElementAt(index);
        var text = ws ? address.Replace("http", "ws", StringComparison.Ordinal) : address;
        return new Uri(text.TrimEnd('/') + path);
    }

    private static IEnumerable<string> ValidateTls(OcppEndpointOptions ocpp, OcppTlsOptions tls)
    {
        if (!ocpp.Url.StartsWith("https", StringComparison.Ordinal))
        {
            yield break;
        }

        if (tls.CertificateFile is null || !File.Exists(tls.CertificateFile))
        {
            yield return $"Ocpp:Tls:CertificateFile must name the CSMS certificate (.pfx) when Ocpp:Url is https (is '{tls.CertificateFile}').";
        }

        if (tls.ClientCaFile is not null && !File.Exists(tls.ClientCaFile))
        {
            yield return $"Ocpp:Tls:ClientCaFile names no file ('{tls.ClientCaFile}').";
        }
    }

    private static void UseTls(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen, OcppTlsOptions tls)
    {
        // No chain build of a handshake fetches anything (a client certificate's AIA or CDP address), and a handshake
        // that does not finish in time is closed: see OcppTls.
        var https = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = X509CertificateLoader.LoadPkcs12FromFile(tls.CertificateFile!, tls.CertificatePassword),
            CheckCertificateRevocation = false,
            HandshakeTimeout = TimeSpan.FromSeconds(tls.HandshakeTimeoutSeconds),
        };
        if (tls.ClientCaFile is not null)
        {
            var root = X509CertificateLoader.LoadCertificateFromFile(tls.ClientCaFile);
            var validator = OcppTls.ClientCertificateValidator(root);
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.OnAuthenticate = (_, ssl) => ssl.CertificateChainPolicy = OcppTls.ChainPolicy(root, X509KeyUsageOids.ClientAuth);
            https.ClientCertificateValidation = (certificate, chain, errors) =>
            {
                if (validator(certificate, chain, errors))
                {
                    return true;
                }

                listen.ApplicationServices.GetService<SecurityEventLog>()?.Record(
                    "InvalidChargingStationCertificate", certificate.GetNameInfo(X509NameType.SimpleName, false), null, $"Refused client certificate {certificate.Subject} issued by {certificate.Issuer}");
                return false;
            };
        }

        listen.UseHttps(https);
    }

    private static T Bind<T>(ConfigurationManager configuration, string section)
        where T : new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = false);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigurationException($"The {section} section of the configuration is not valid: {ex.Message}", ex);
        }

        return options;
    }
}
