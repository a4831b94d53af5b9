using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Blocks;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Server;

/// <summary>Builds the CSMS web host: configuration (appsettings.json, <c>OHM__</c> environment variables, flags), the OCPP endpoint.</summary>
public static class CsmsHost
{
    /// <summary>Builds the host; <paramref name="overrides"/> are settings given on the command line, which win over the rest.</summary>
    /// <exception cref="ConfigurationException">A setting is wrong; the message names it.</exception>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> overrides, string? contentRoot = null)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = contentRoot ?? AppContext.BaseDirectory });
        builder.Configuration.AddJsonFile("appsettings.json", optional: true);
        builder.Configuration.AddEnvironmentVariables(prefix: "OHM__");
        builder.Configuration.AddInMemoryCollection(overrides);

        var ocpp = Bind<OcppEndpointOptions>(builder.Configuration, "Ocpp");
        var csms = Bind<CsmsOptions>(builder.Configuration, "Csms");
        var errors = ocpp.Validate().Concat(csms.Validate()).ToList();
        if (errors.Count > 0)
        {
            throw new ConfigurationException(string.Join(Environment.NewLine, errors));
        }

        builder.WebHost.UseUrls(ocpp.Url);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(ocpp);
        builder.Services.AddSingleton(csms);
        builder.Services.AddSingleton<Provisioning>();
        builder.Services.AddSingleton<Availability>();
        builder.Services.AddSingleton(sp => new OcppServer(
            CsmsRouting.Build(sp.GetRequiredService<Provisioning>(), sp.GetRequiredService<Availability>()),
            new OcppServerOptions
            {
                PathPrefix = ocpp.PathPrefix,
                EnableCompression = ocpp.Compression,
                KeepAliveInterval = TimeSpan.FromSeconds(ocpp.KeepAliveSeconds),
                Rpc = new OcppRpcOptions { CallTimeout = TimeSpan.FromSeconds(ocpp.CallTimeoutSeconds), MaxMessageSize = ocpp.MaxMessageBytes },
                Authenticate = request => ValueTask.FromResult(Admit(csms, request, sp.GetRequiredService<ILoggerFactory>())),
            },
            sp.GetRequiredService<ILoggerFactory>()));

        var app = builder.Build();
        app.MapOcpp(app.Services.GetRequiredService<OcppServer>());
        app.MapGet("/health", () => Microsoft.AspNetCore.Http.Results.Text("Healthy"));
        return app;
    }

    /// <summary>The address stations connect to, once the host has started.</summary>
    public static Uri OcppEndpoint(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var prefix = app.Services.GetRequiredService<OcppEndpointOptions>().PathPrefix;
        return new Uri(address.Replace("http", "ws", StringComparison.Ordinal).TrimEnd('/') + prefix);
    }

    private static bool Admit(CsmsOptions csms, OcppConnectRequest request, ILoggerFactory loggers)
    {
        if (csms.AcceptUnknown)
        {
            return true;
        }

        loggers.CreateLogger("Ohm.Csms").LogWarning(
            "Refused {StationId}: it is not registered. Register it, or run with --accept-unknown for development.", request.StationId);
        return false;
    }

    private static T Bind<T>(ConfigurationManager configuration, string section)
        where T : new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigurationException($"The {section} section of the configuration is not valid: {ex.Message}", ex);
        }

        return options;
    }
}
