using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ohm.Cli.Tests.Support;

/// <summary>
/// A tiny OCI registry on loopback (HTTP, the read half of the Registry v2 API: /v2/, manifests by tag and by digest,
/// blobs) serving one base image it builds itself: linux/amd64, one layer with an /etc/passwd that has the app user
/// (UID 1654) of Microsoft's images. It stands in for mcr.microsoft.com, which the tests cannot reach.
/// </summary>
internal sealed class LocalRegistry : IAsyncDisposable
{
    public const string Repository = "base";
    public const string Tag = "1";
    private const string ManifestType = "application/vnd.docker.distribution.manifest.v2+json";
    private const string ConfigType = "application/vnd.docker.container.image.v1+json";
    private const string LayerType = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    private readonly WebApplication _app;
    private readonly Dictionary<string, byte[]> _blobs;
    private readonly byte[] _manifest;
    private readonly string _manifestDigest;

    private LocalRegistry(WebApplication app, Dictionary<string, byte[]> blobs, byte[] manifest)
    {
        _app = app;
        _blobs = blobs;
        _manifest = manifest;
        _manifestDigest = Digest(manifest);
    }

    /// <summary>host:port, for an image name such as <c>localhost:port/base:1</c>.</summary>
    public string Host { get; private set; } = "";

    /// <summary>The requests served, for a failure message.</summary>
    public List<string> Requests { get; } = [];

    public static async Task<LocalRegistry> StartAsync()
    {
        var (layer, diffId) = BaseLayer();
        var config = JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture = "amd64",
            os = "linux",
            config = new { Env = new[] { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_UID=1654" }, WorkingDir = "/" },
            rootfs = new { type = "layers", diff_ids = new[] { diffId } },
            history = new[] { new { created = "2026-01-01T00:00:00Z", created_by = "Ohm.Cli.Tests LocalRegistry" } },
        });
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = ManifestType,
            config = new { mediaType = ConfigType, size = config.Length, digest = Digest(config) },
            layers = new[] { new { mediaType = LayerType, size = layer.Length, digest = Digest(layer) } },
        });
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [Digest(config)] = config, [Digest(layer)] = layer };

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var registry = new LocalRegistry(app, blobs, manifest);
        app.Use(async (context, next) =>
        {
            lock (registry.Requests)
            {
                registry.Requests.Add($"{context.Request.Method} {context.Request.Path}");
            }

            await next(context);
        });
        app.MapMethods("/v2/", ["GET", "HEAD"], (HttpContext context) =>
        {
            context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
            return Results.Json(new { });
        });
        app.MapMethods($"/v2/{Repository}/manifests/{{reference}}", ["GET", "HEAD"], registry.ManifestAsync);
        app.MapMethods($"/v2/{Repository}/blobs/{{digest}}", ["GET", "HEAD"], registry.BlobAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        registry.Host = $"localhost:{address.Port}";
        return registry;
    }

    private Task ManifestAsync(HttpContext context, string reference)
    {
        if (reference != Tag && reference != _manifestDigest)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return Send(context, _manifest, ManifestType, _manifestDigest);
    }

    private Task BlobAsync(HttpContext context, string digest)
    {
        if (!_blobs.TryGetValue(digest, out var blob))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return Send(context, blob, "application/octet-stream", digest);
    }

    private static async Task Send(HttpContext context, byte[] body, string contentType, string digest)
    {
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        context.Response.Headers["Docker-Content-Digest"] = digest;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body);
        }
    }

    /// <summary>The base layer (tar.gz) and its diff id (the digest of the uncompressed tar).</summary>
    private static (byte[] Layer, string DiffId) BaseLayer()
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var dir in new[] { "etc/", "home/", "home/app/", "tmp/" })
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, dir) { Mode = (UnixFileMode)0b111_101_101, Uid = dir == "home/app/" ? 1654 : 0, Gid = dir == "home/app/" ? 1654 : 0 });
            }

            var passwd = Encoding.ASCII.GetBytes("root:x:0:0:root:/root:/bin/sh\napp:x:1654:1654::/home/app:/bin/sh\n");
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/passwd") { DataStream = new MemoryStream(passwd), Mode = (UnixFileMode)0b110_100_100 });
            var group = Encoding.ASCII.GetBytes("root:x:0:\napp:x:1654:\n");
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/group") { DataStream = new MemoryStream(group), Mode = (UnixFileMode)0b110_100_100 });
        }

        var uncompressed = tar.ToArray();
        using var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
        {
            zip.Write(uncompressed);
        }

        return (gz.ToArray(), Digest(uncompressed));
    }

    private static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
