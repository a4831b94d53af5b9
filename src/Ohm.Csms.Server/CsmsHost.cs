using Ohm.Csms.Console;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using Ohm.Csms.Blocks;
using Ohm.Csms.Server.Api;
using Ohm.Csms.Server.Health;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Ocpp.AspNetCore;
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
        var certificates = Bind<Ohm.Csms.Certificates.CertificatesOptions>(builder.Configuration, "Csms:Certificates");
        var api = Bind<ApiOptions>(builder.Configuration, "Api");
        api.Key = string.IsNullOrEmpty(api.Key) ? null : api.Key; // OHM__Api__Key= (empty) unsets the shared key
        var storage = Bind<StorageOptions>(builder.Configuration, "Storage");
        var apiTls = Bind<ApiTlsOptions>(builder.Configuration, "Api:Tls");
        if (apiTls.CertificateFile is null && tls.CertificateFile is not null)
        {
            apiTls.CertificateFile = tls.CertificateFile;
            apiTls.CertificatePassword ??= tls.CertificatePassword;
        }

        var health = Bind<HealthOptions>(builder.Configuration, "Health");
        var ocsp = Bind<Ohm.Csms.Certificates.Ocsp.OcspOptions>(builder.Configuration, "Csms:Ocsp"); // M06, C07
        var contracts = Bind<Ohm.Csms.Certificates.ContractCertificatesOptions>(builder.Configuration, "Csms:ContractCertificates"); // M01, M02, C07, C08
        var webhookOptions = Bind<Ohm.Csms.Events.WebhookOptions>(builder.Configuration, "Csms:Webhooks");
        var fileService = Bind<Ohm.Csms.Files.FileServiceOptions>(builder.Configuration, "Csms:Files");
        var cluster = Bind<Ohm.Csms.Cluster.ClusterSettings>(builder.Configuration, "Cluster"); // issue 16: off, one node and no Orleans
        var errors = webhookOptions.Validate().Concat(fileService.Validate()).Concat(ocsp.Validate()).Concat(contracts.Validate()).Concat(ocpp.Validate()).Concat(csms.Validate()).Concat(api.Validate()).Concat(tls.Validate()).Concat(OcppTlsSetup.Validate(ocpp, tls)).Concat(certificates.Validate())
            .Concat(health.Validate()).Concat(ValidateApiSafety(api, apiTls)).Concat(cluster.Validate(storage.Database)).ToList();
        errors.AddRange(ValidateLogLevels(builder.Configuration));
        if (ConfigureConsole(builder) is { } logError)
        {
            errors.Add(logError);
        }

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

        // Read now, so that a wrong password or file stops the start with a message naming the setting, not with a
        // stack trace when Kestrel starts.
        // Unset, the server certificate and the SP3 client root come from the built-in CA (loaded once the host is built).
        var ocppHttps = ocpp.Url.StartsWith("https", StringComparison.Ordinal);
        var ocppCertificate = ocppHttps && tls.CertificateFile is not null ? OcppTlsSetup.LoadCertificate("Ocpp:Tls", tls.CertificateFile, tls.CertificatePassword) : null;
        var ocppEcdsaCertificate = ocppHttps ? OcppTlsSetup.LoadEcdsaCertificate(tls) : null;
        var ocppClientRoot = ocppHttps && tls.ClientCaFile is not null ? OcppTlsSetup.LoadRoot(tls.ClientCaFile) : null;
        var givenCsmsRoot = tls.CsmsRootFile is not null ? OcppTlsSetup.LoadRoot(tls.CsmsRootFile, "Ocpp:Tls:CsmsRootFile") : null;
        var apiCertificate = api.Url.StartsWith("https", StringComparison.Ordinal) ? OcppTlsSetup.LoadCertificate("Api:Tls", apiTls.CertificateFile!, apiTls.CertificatePassword) : null;
        var listeners = new Listeners();
        builder.WebHost.UseSockets(o => o.Backlog = ocpp.ListenBacklog);
        var maxConnections = ocpp.EffectiveMaxConnections();
        builder.WebHost.ConfigureKestrel(k => ConnectionLimits.Apply(k, maxConnections, TimeSpan.FromSeconds(ocpp.HandshakeTimeoutSeconds)));
        builder.WebHost.ConfigureKestrel(k => listeners.Configure(
            k,
            new Uri(ocpp.Url),
            new Uri(api.Url),
            ocppHttps ? o => OcppTlsSetup.Use(o, tls, ocppCertificate ??= CertificateAuthoritySetup.Load(o.ApplicationServices).ServerCertificate(new Uri(ocpp.Url).Host), ocppClientRoot ??= CertificateAuthoritySetup.Root(CertificateAuthoritySetup.Load(o.ApplicationServices)), ocppEcdsaCertificate) : null,
            apiCertificate is not null ? o => UseApiTls(o, apiCertificate) : null,
            ocpp.PlainUrl is { } plainUrl ? new Uri(plainUrl) : null));
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
        services.AddSingleton(ocpp).AddSingleton(csms).AddSingleton(api).AddSingleton(storage).AddSingleton(database).AddSingleton(health).AddSingleton(listeners);
        services.AddSingleton<IMessageTraceSwitch, InProcessMessageTraceSwitch>();
        services.AddSingleton<MessageTrace>();
        services.AddSingleton<MigrationGate>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ActiveTransactionCount>(sp, TimeSpan.FromSeconds(health.ActiveTransactionsRefreshSeconds)));
        services.AddCsmsHealthChecks();
        services.AddSingleton<CsmsWriter>();
        services.AddSingleton<StationSessions>();
        services.AddSingleton<Ohm.Csms.Accounts.OperatorAccounts>().AddSingleton<Ohm.Csms.Accounts.IOperatorAccounts>(sp => sp.GetRequiredService<Ohm.Csms.Accounts.OperatorAccounts>()).AddSingleton<Ohm.Csms.Accounts.AuditLog>(); // accounts, keys, audit
        services.AddSingleton<IStationCallRouter>(sp => ActivatorUtilities.CreateInstance<Ohm.Csms.Accounts.AuditingStationCallRouter>(sp, sp.GetKeyedService<IStationCallRouter>(Ohm.Csms.Cluster.ClusterHosting.InnerRouterKey) ?? sp.GetRequiredService<StationSessions>())); // operators' calls audited; in cluster mode routed across the nodes
        services.AddSingleton(new FailedHandshakes(ocpp.FailedHandshakes.PerAddressPerMinute, ocpp.FailedHandshakes.PerStationPerMinute));
        services.AddSingleton<SecurityEventLog>();
        services.AddSingleton(Bind<SecurityProfileOptions>(builder.Configuration, "Csms:Security")).AddSingleton(sp => new CsmsRootCertificate( // A05: what stations must trust: the root given, else the built-in CA behind the server certificate it issued
            givenCsmsRoot ?? (tls.CertificateFile is null ? CertificateAuthoritySetup.Root(CertificateAuthoritySetup.Load(sp)) : null)));
        services.AddSingleton<BasicAuthPasswordUpdate>().AddSingleton<SecurityProfileUpgrade>(); // A01, A05
        services.AddSingleton<StationAdmission>();
        services.AddSingleton<StationConnections>();
        services.AddSingleton<Ohm.Csms.Queries.StationQueries>(); // the stations' queries, the API's and the console's
        services.AddSingleton<ConnectionDrain>().AddHostedService(sp => sp.GetRequiredService<ConnectionDrain>()); // its Draining refuses new WebSockets
        services.AddSingleton<Provisioning>().AddSingleton<Authorization>().AddSingleton<Transactions>().AddSingleton<Metering>()
            .AddSingleton<Availability>().AddSingleton<RemoteControl>().AddSingleton<DataTransfer>().AddSingleton<CsmsRouting>();
        services.AddSingleton<BackgroundWork>();
        services.AddSingleton<StationMessageStore>().AddSingleton<Security>().AddSingleton<SmartCharging>().AddSingleton<Firmware>()
            .AddSingleton<Iso15118Certificates>().AddSingleton<InstalledCertificates>().AddSingleton<Diagnostics>().AddSingleton<DisplayMessage>().AddSingleton<Reservation>()
            .AddSingleton<CustomerInformation>() // N09, N10
            .AddSingleton<RelayedReports>().AddSingleton<IReportRelay, NoReportRelay>(); // reports whose wait is on another node (a cluster)
        services.AddSingleton<LocalAuthList>().AddSingleton<LocalListDriver>();
        services.AddSingleton(webhookOptions).AddSingleton<Ohm.Csms.Events.IEventFanOut, Ohm.Csms.Events.InProcessEventFanOut>() // N07, N08: the live stream and the webhook outbox
            .AddSingleton(sp => ActivatorUtilities.CreateInstance<Ohm.Csms.Events.WebhookDispatcher>(sp));
        services.AddSingleton(fileService).AddSingleton<Ohm.Csms.Files.FileServiceAddress>().AddSingleton<Ohm.Csms.Files.FileService>()
            .AddSingleton<Ohm.Csms.Files.IFileStore>(new Ohm.Csms.Files.DataFolderFileStore(Path.Combine(dataFolder, "files"))); // the file service; an object store replaces IFileStore
        services.AddSingleton<LogRetrieval>(); // N01
        services.AddSingleton<Ohm.Csms.Campaigns.FirmwareCampaigns>().AddSingleton<Ohm.Csms.Campaigns.IFirmwareCampaigns>(sp => sp.GetRequiredService<Ohm.Csms.Campaigns.FirmwareCampaigns>()); // L01, L02 campaigns
        services.AddSingleton(ocsp).AddSingleton(contracts).AddSingleton<Ohm.Csms.Certificates.Ocsp.IOcspResponseCache, Ohm.Csms.Certificates.Ocsp.MemoryOcspResponseCache>()
            .AddSingleton<Ohm.Csms.Certificates.Ocsp.OcspClient>().AddSingleton<Ohm.Csms.Certificates.ContractCertificateCheck>(); // M06, C07, C08
        if (contracts.Url is { Length: > 0 })
        {
            services.AddSingleton<Ohm.Csms.Certificates.IContractCertificateProvider, Ohm.Csms.Certificates.HttpContractCertificateProvider>(); // M01, M02
        }

        services.AddSingleton<TariffCost>().AddSingleton<CostUpdateDriver>(); // I, C17
        services.AddSingleton<Ohm.Csms.Queries.TariffQueries>().AddSingleton<Ohm.Csms.Queries.ReservationQueries>().AddSingleton<Ohm.Csms.Queries.DisplayMessageQueries>().AddSingleton<Ohm.Csms.Queries.FirmwareQueries>().AddSingleton<Ohm.Csms.Queries.LogQueries>(); // the queries the API and the console share (I, H, O, L, N01)
        services.AddSingleton<IChargingProfileSender>(sp => sp.GetRequiredService<SmartCharging>()); // K01, K10: the balancer sends through it
        services.AddSingleton(Bind<Ohm.Csms.Sites.SiteBalancerOptions>(builder.Configuration, "Csms:SmartCharging:Balancer"));
        // The balancer sends through SmartCharging, which tells it of EV needs: the sender is resolved at its first use.
        services.AddSingleton(sp => new Lazy<IChargingProfileSender>(sp.GetRequiredService<IChargingProfileSender>));
        services.AddSingleton<Ohm.Csms.Sites.SiteBalancer>();
        services.AddSingleton<ISmartChargingSignals>(sp => sp.GetRequiredService<Ohm.Csms.Sites.SiteBalancer>()); // K: sites
        services.AddSingleton<ApiKeyFilter>();
        services.AddCertificateAuthority(certificates, dataFolder); // A02/A03, the CSMS root
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
                    Rpc = new OcppRpcOptions
                    {
                        CallTimeout = TimeSpan.FromSeconds(ocpp.CallTimeoutSeconds),
                        SendTimeout = TimeSpan.FromSeconds(ocpp.SendTimeoutSeconds),
                        MaxMessageSize = ocpp.MaxMessageBytes,
                        FrameObserver = sp.GetRequiredService<MessageTrace>(),
                    },
                    Authenticate = admission.AdmitAsync,
                    Refused = CountRefusal(sp.GetRequiredService<CsmsMetrics>()),
                },
                sp.GetRequiredService<ILoggerFactory>());
            sp.GetRequiredService<StationConnections>().Attach(server);
            return server;
        });
        services.AddSingleton<Ohm.Csms.Events.IFleetChanges, Ohm.Csms.Events.InProcessFleetChanges>(); // the console's live views
        services.AddSingleton<ICsmsNodes, LocalCsmsNodes>(); // the API's and the console's node list (a cluster's replaces it)
        services.AddSingleton<Ohm.Csms.Queries.TransactionQueries>().AddSingleton<Ohm.Csms.Queries.IdTokenStore>(); // transactions and the id-token store, read and changed by the API and the console
        services.AddSingleton<Ohm.Csms.Queries.FleetMessageRate>().AddSingleton<Ohm.Csms.Queries.FleetQueries>().AddSingleton<Ohm.Csms.Queries.AlertQueries>().AddSingleton<Ohm.Csms.Queries.SecurityEventQueries>().AddSingleton<Ohm.Csms.Queries.CertificateQueries>().AddSingleton<Ohm.Csms.Queries.SiteQueries>(); // the console's queries, as the API's
        services.AddSingleton(new Ohm.Csms.Console.Components.Commands.CommandTimeout(api.CommandTimeoutSeconds)); // the console's commands wait as the API's do
        services.AddOhmConsole(new ConsoleOptions(DevelopmentLogin: api.AllowLoopbackWithoutKey)); // the operator console, on the API listener
        services.AddProblemDetails();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // ApiErrors answers them
        services.AddApiDocument();
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(OcppMetrics.MeterName, CsmsMetrics.MeterName, "System.Runtime").AddPrometheusExporter());
        services.AddSingleton<CsmsMetrics>();

        if (cluster.Enabled)
        {
            Ohm.Csms.Cluster.ClusterHosting.Add(builder, cluster, storage.Database!, TimeSpan.FromSeconds(ocpp.CallTimeoutSeconds));
        }

        configure?.Invoke(builder);
        var app = builder.Build();

        // The certificates' validity by the host's clock (a test's fake one too), not the system's.
        var expired = OcppTlsSetup.CheckValidity(
            app.Services.GetRequiredService<TimeProvider>().GetUtcNow(),
            (ocppCertificate, "Ocpp:Tls:CertificateFile", tls.CertificateFile),
            (ocppEcdsaCertificate, "Ocpp:Tls:EcdsaCertificateFile", tls.EcdsaCertificateFile),
            (apiCertificate, "Api:Tls:CertificateFile", apiTls.CertificateFile)).ToList();
        if (expired.Count > 0)
        {
            ((IDisposable)app).Dispose();
            throw new ConfigurationException(string.Join(Environment.NewLine, expired));
        }

        CertificateAuthoritySetup.Load(app.Services, log: true);
        database.Tokens.Clock = app.Services.GetRequiredService<TimeProvider>();
        var server = app.Services.GetRequiredService<OcppServer>();
        var metrics = app.Services.GetRequiredService<CsmsMetrics>();
        var gate = app.Services.GetRequiredService<MigrationGate>();
        var drain = app.Services.GetRequiredService<ConnectionDrain>();
        app.Services.GetService<MeterProvider>(); // listening before Observe records the counters' zeros
        metrics.Observe(app.Services.GetRequiredService<StationSessions>(), app.Services.GetRequiredService<CsmsWriter>(), app.Services.GetRequiredService<ActiveTransactionCount>());
        app.UseBadRequestProblems();
        app.Services.GetRequiredService<Ohm.Csms.Files.FileServiceAddress>().Use(FileServiceBase(fileService, ocpp, listeners));
        var throttle = ActivatorUtilities.CreateInstance<HandshakeThrottle>(app.Services);
        app.UseWebSockets();

        // A plain request delegate rather than an endpoint filter: a filter's async frames would stay on the stack of
        // every connection for its whole life.
        app.Map(ocpp.PathPrefix.TrimEnd('/') + "/{**stationPath}", (RequestDelegate)(context =>
        {
            if (listeners.Is(context, Listeners.Ocpp))
            {
                if (!gate.IsOpen || drain.Draining) // not ready yet, or draining: the station connects elsewhere or later
                {
                    metrics.ConnectionRefused(RefusalReasons.NotReady);
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    context.Response.Headers.RetryAfter = "5";
                    return Task.CompletedTask;
                }

                if (throttle.Refuses(context) is { } refused)
                {
                    return refused;
                }

                return server.HandleAsync(context);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }));

        FileTransfer.Map(app, listeners);
        app.MapOhmConsole(context => listeners.Is(context, Listeners.Api));
        var onApi = app.MapGroup("").AddEndpointFilter((context, next) =>
            listeners.Is(context.HttpContext, Listeners.Api) ? next(context) : ValueTask.FromResult<object?>(Results.NotFound()));
        HealthEndpoints.Map(onApi);
        onApi.MapPrometheusScrapingEndpoint("/metrics");
        onApi.MapOpenApi("/openapi/{documentName}.json");
        onApi.MapScalarApiReference("/scalar");
        var apiGroup = onApi.MapGroup("/api").AddEndpointFilter<ApiKeyFilter>().AddEndpointFilter((context, next) =>
                gate.IsOpen ? next(context) : ValueTask.FromResult<object?>(Results.Problem("The CSMS is applying its database migrations; try again shortly.", statusCode: StatusCodes.Status503ServiceUnavailable)))
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        StationsApi.Map(apiGroup);
        IdTokensApi.Map(apiGroup);
        TransactionsApi.Map(apiGroup);
        CommandsApi.Map(apiGroup);
        OcppGenericApi.Map(apiGroup);
        StationMessagesApi.Map(apiGroup);
        EventsApi.Map(apiGroup);
        MonitoringApi.Map(apiGroup);
        AlertsApi.Map(apiGroup);
        WebhooksApi.Map(apiGroup);
        StationLimitsApi.Map(apiGroup);
        LocalListApi.Map(apiGroup);
        DisplayMessagesApi.Map(apiGroup);
        CustomerInformationApi.Map(apiGroup);
        TariffsApi.Map(apiGroup);
        ReservationsApi.Map(apiGroup);
        ChargingProfilesApi.Map(apiGroup);
        SitesApi.Map(apiGroup);
        SecurityEventsApi.Map(apiGroup);
        CertificatesApi.Map(apiGroup);
        InstalledCertificatesApi.Map(apiGroup);
        StationSecurityApi.Map(apiGroup);
        TraceApi.Map(apiGroup);
        FilesApi.Map(apiGroup);
        LogsApi.Map(apiGroup);
        FirmwareApi.Map(apiGroup);
        FleetApi.Map(apiGroup);
        AccountsApi.Map(apiGroup);
        AuditApi.Map(apiGroup);
        ClusterApi.Map(apiGroup);
        apiGroup.ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    /// <summary>
    /// Starts listening, then applies the database migrations. Until they are applied (the <see cref="MigrationGate"/>)
    /// /health/live answers 200 and /health/ready 503, and the OCPP endpoint and the API answer 503.
    /// </summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var connections = app.Services.GetRequiredService<StationConnections>();
        app.Lifetime.ApplicationStopping.Register(connections.HostStopping);
        WarnOfDevelopmentMode(app);
        ConnectionLimits.LogAtStart(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await app.Services.GetRequiredService<CsmsDatabase>().MigrateAsync(cancellationToken).ConfigureAwait(false);
            await app.Services.GetRequiredService<StationAdmission>().WarnOfStationsWithoutCredentialsAsync(cancellationToken).ConfigureAwait(false);
            await WarnWithoutOperatorsAsync(app, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        app.Services.GetRequiredService<MigrationGate>().Open();

        // I02: running costs are computed from the tables, so only once they are migrated; the ticks end when the host stops.
        var costUpdates = app.Services.GetRequiredService<CostUpdateDriver>();
        costUpdates.Start();
        app.Lifetime.ApplicationStopping.Register(costUpdates.Dispose);

        // Webhooks: the outbox is delivered from the migrated tables, rows left by an earlier run first.
        app.Services.GetRequiredService<Ohm.Csms.Events.WebhookDispatcher>().Start();
        // L01, L02: campaigns still running (after a restart) go on, and queued stations that were offline are tried again.
        app.Services.GetRequiredService<Ohm.Csms.Campaigns.FirmwareCampaigns>().Start();
    }

    /// <summary>
    /// Where stations reach the file service: Csms:Files:PublicUrl, else the OCPP listener's address (its scheme, its
    /// host or the machine's name when it listens on every address, its bound port).
    /// </summary>
    private static Func<Uri> FileServiceBase(Ohm.Csms.Files.FileServiceOptions files, OcppEndpointOptions ocpp, Listeners listeners)
    {
        if (files.PublicUrl is { } given)
        {
            var fixedUri = new Uri(given);
            return () => fixedUri;
        }

        var configured = new Uri(ocpp.Url);
        return () =>
        {
            var host = configured.Host is "*" or "+" or "0.0.0.0" or "[::]" ? System.Net.Dns.GetHostName() : configured.Host;
            var port = listeners.OcppEndPoint?.Port ?? configured.Port;
            return new UriBuilder(configured.Scheme, host, port).Uri;
        };
    }

    /// <summary>
    /// Counts the handshakes that the OCPP server is about to refuse before any credential is read: an invalid station
    /// identity, or no supported subprotocol offered (the server answers them 400).
    /// </summary>
    /// <summary>
    /// The refusals the OCPP server decides itself that the metrics count; those of the admission (unknown, disabled,
    /// wrong password, profile too low) are counted by StationAdmission with their finer reason.
    /// </summary>
    private static Action<OcppHandshakeRefusal> CountRefusal(CsmsMetrics metrics) => refusal =>
    {
        switch (refusal)
        {
            case OcppHandshakeRefusal.BadIdentity:
                metrics.ConnectionRefused(RefusalReasons.BadIdentity);
                break;
            case OcppHandshakeRefusal.NoSupportedSubprotocol:
                metrics.ConnectionRefused(RefusalReasons.BadSubprotocol);
                break;
        }
    };

    /// <summary>The address stations connect to, once the host has started.</summary>
    public static Uri OcppEndpoint(WebApplication app) => Address(app, 0, ws: true, app.Services.GetRequiredService<OcppEndpointOptions>().PathPrefix);

    /// <summary>The address stations on security profile 1 connect to without TLS (Ocpp:PlainUrl), once the host has started; null without one.</summary>
    public static Uri? PlainOcppEndpoint(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<Listeners>().PlainOcppEndPoint is { } bound
            ? new Uri($"ws://{bound}{app.Services.GetRequiredService<OcppEndpointOptions>().PathPrefix}")
            : null;
    }

    /// <summary>The base address of the API, once the host has started.</summary>
    public static Uri ApiEndpoint(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Count
            - (app.Services.GetRequiredService<OcppEndpointOptions>().PlainUrl is null ? 0 : 1); // the plain OCPP listener is the last
        return Address(app, listening > 1 ? 1 : 0, ws: false, "");
    }

    private static Uri Address(WebApplication app, int index, bool ws, string path)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ElementAt(index);
        var text = ws ? address.Replace("http", "ws", StringComparison.Ordinal) : address;
        return new Uri(text.TrimEnd('/') + path);
    }

    /// <summary>
    /// The console log format, from the standard setting <c>Logging:Console:FormatterName</c>: simple (one line per
    /// entry, the default), json (one JSON object per line, with the fields of each entry and its scopes) or systemd.
    /// Formatter options (<c>Logging:Console:FormatterOptions:...</c>) given in the configuration win over these defaults.
    /// </summary>
    private static string? ConfigureConsole(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var name = configuration["Logging:Console:FormatterName"] is { Length: > 0 } given ? given.Trim().ToLowerInvariant() : ConsoleFormatterNames.Simple;
        if (name is not (ConsoleFormatterNames.Simple or ConsoleFormatterNames.Json or ConsoleFormatterNames.Systemd))
        {
            return $"Logging:Console:FormatterName must be simple, json or systemd (is '{configuration["Logging:Console:FormatterName"]}').";
        }

        bool Unset(string option) => configuration["Logging:Console:FormatterOptions:" + option] is null;
        builder.Logging.AddConsole(o => o.FormatterName = name);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = Unset(nameof(o.SingleLine)) || o.SingleLine;
            o.TimestampFormat = Unset(nameof(o.TimestampFormat)) ? "HH:mm:ss " : o.TimestampFormat;
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = Unset(nameof(o.IncludeScopes)) || o.IncludeScopes;
            o.UseUtcTimestamp = Unset(nameof(o.UseUtcTimestamp)) || o.UseUtcTimestamp;
            o.TimestampFormat = Unset(nameof(o.TimestampFormat)) ? "yyyy-MM-ddTHH:mm:ss.fffZ" : o.TimestampFormat;
        });
        return null;
    }

    /// <summary>A log level the logging system cannot read would otherwise fail the start with a stack trace.</summary>
    private static IEnumerable<string> ValidateLogLevels(ConfigurationManager configuration)
    {
        foreach (var section in new[] { "Logging:LogLevel", "Logging:Console:LogLevel" })
        {
            foreach (var entry in configuration.GetSection(section).GetChildren())
            {
                if (entry.Value is { } value && !Enum.TryParse<LogLevel>(value, ignoreCase: true, out _))
                {
                    yield return $"{entry.Path} must be Trace, Debug, Information, Warning, Error, Critical or None (is '{value}').";
                }
            }
        }
    }

    /// <summary>
    /// Refuses an https API without a certificate. (Without Api:Key the API still has the accounts' own keys: see
    /// <see cref="WarnWithoutOperatorsAsync"/>.)
    /// </summary>
    private static IEnumerable<string> ValidateApiSafety(ApiOptions api, ApiTlsOptions apiTls)
    {
        if (api.Url.StartsWith("https", StringComparison.Ordinal) && (apiTls.CertificateFile is null || !File.Exists(apiTls.CertificateFile)))
        {
            yield return $"Api:Tls:CertificateFile must name the API's certificate (.pfx) when Api:Url (--api-url) is https (is '{apiTls.CertificateFile}'); "
                + "unset, Ocpp:Tls:CertificateFile is used.";
        }
    }

    /// <summary>Says how to get in when nobody can: no account yet, no shared Api:Key, no development mode.</summary>
    private static async Task WarnWithoutOperatorsAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var api = app.Services.GetRequiredService<ApiOptions>();
        if (api.Key is not null || api.AllowLoopbackWithoutKey
            || (await app.Services.GetRequiredService<Ohm.Csms.Accounts.IOperatorAccounts>().ListAsync(cancellationToken).ConfigureAwait(false)).Any(a => a.Enabled))
        {
            return;
        }

        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CsmsHost).FullName!).LogWarning(
            "No operator account and no Api:Key: nobody can log in to the console or call the API yet. Create the first administrator with "
            + "'ohm csms user add --role admin NAME' (same --data/--db as this CSMS), or set Api:Key (OHM__Api__Key) for scripts.");
    }

    private static void WarnOfDevelopmentMode(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CsmsHost).FullName!);
        if (app.Services.GetRequiredService<CsmsOptions>().AcceptUnknown)
        {
            logger.LogWarning(
                "Development mode (Csms:AcceptUnknown, --accept-unknown): unknown stations are registered on first connection and accepted without credentials; not for production.");
        }

        var api = app.Services.GetRequiredService<ApiOptions>();
        if (api.AllowLoopbackWithoutKey && api.Key is null)
        {
            logger.LogWarning("Development mode (Api:AllowLoopbackWithoutKey, --accept-unknown): API calls from loopback are accepted without a key; no Api:Key is set, so only loopback can call the API.");
        }
        else if (api.AllowLoopbackWithoutKey)
        {
            logger.LogWarning("Development mode (Api:AllowLoopbackWithoutKey, --accept-unknown): API calls from loopback are accepted without a key; others need Api:Key.");
        }
    }

    private static void UseApiTls(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen, X509Certificate2 certificate) =>
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            CheckCertificateRevocation = false,
        });

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
