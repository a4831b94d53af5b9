using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;

namespace Ohm.Station.Blocks;

/// <summary>
/// N01 Retrieve Log Information, part of block N on the station. The station keeps two rolling logs in its data folder:
/// diagnostics.log, a line for everything it reports (<see cref="ChargingStation.Activity"/>), and security.log, a line
/// per security event (A04). GetLog uploads the one asked for, cut to oldestTimestamp-latestTimestamp, by HTTP to
/// remoteLocation (PUT; a multipart/form-data POST when the server answers PUT with 405), retrying
/// <c>retries</c> times <c>retryInterval</c> seconds apart on the station's clock, with a LogStatusNotification at each
/// step: Uploading at each attempt, then Uploaded, or the attempt's failure (UploadFailure, PermissionDenied for a 401
/// or 403, NotSupportedOperation for a location that is not http or https).
/// </summary>
/// <remarks>
/// A GetLog while an upload runs cancels that upload (it sends nothing more) and is answered AcceptedCanceled; a
/// remoteLocation that is not an absolute URI is answered Rejected and leaves a running upload alone. Without
/// <c>retries</c> the station retries <see cref="DefaultRetries"/> time(s); without <c>retryInterval</c> it waits
/// <see cref="DefaultRetryInterval"/>. A log file that passes <see cref="MaxFileBytes"/> is moved to its .1 file (the
/// one before is dropped), and both are read for an upload. Lines are buffered and written in batches, so that a busy
/// station does not write a file per message; everything buffered is written before an upload and when it stops.
/// </remarks>
public sealed class LogUpload
{
    /// <summary>The diagnostics log's file name in the data folder.</summary>
    public const string DiagnosticsFileName = "diagnostics.log";

    /// <summary>The security log's file name in the data folder.</summary>
    public const string SecurityFileName = "security.log";

    /// <summary>The size past which a log file is rolled over to its .1 file.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    /// <summary>Retries when GetLog gives none.</summary>
    public const int DefaultRetries = 1;

    /// <summary>The wait between attempts when GetLog gives no retryInterval.</summary>
    public static readonly TimeSpan DefaultRetryInterval = TimeSpan.FromSeconds(60);

    private const int BufferedLines = 64;

    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromMinutes(5) };

    private readonly IStationContext _context;
    private readonly string _directory;
    private readonly Lock _lock = new();
    private readonly Lock _fileLock = new();
    private readonly List<string> _diagnostics = [];
    private readonly List<string> _security = [];
    private Upload? _current;

    internal LogUpload(IStationContext context, SecurityEvents securityEvents, string directory)
    {
        _context = context;
        _directory = directory;
        securityEvents.Raised += e => Append(_security, e.Timestamp, e.TechInfo is null ? e.Type : e.Type + " " + e.TechInfo);
    }

    /// <summary>The diagnostics log's path.</summary>
    public string DiagnosticsFile => Path.Combine(_directory, DiagnosticsFileName);

    /// <summary>The security log's path.</summary>
    public string SecurityFile => Path.Combine(_directory, SecurityFileName);

    /// <summary>The requestId of the upload running now, or null when none runs.</summary>
    public int? RunningRequestId
    {
        get
        {
            lock (_lock)
            {
                return _current?.RequestId;
            }
        }
    }

    /// <summary>A line of the diagnostics log: what the station reports.</summary>
    internal void Record(string message) => Append(_diagnostics, _context.Now, message);

    /// <summary>Writes what is buffered to the files.</summary>
    internal void Flush()
    {
        lock (_fileLock)
        {
            Write(DiagnosticsFile, _diagnostics);
            Write(SecurityFile, _security);
        }
    }

    /// <summary>
    /// F06 TriggerMessage LogStatusNotification: Uploading with the requestId while an upload runs, Idle (no requestId)
    /// otherwise.
    /// </summary>
    internal LogStatusNotificationRequest CurrentStatus()
    {
        lock (_lock)
        {
            return _current is { } running
                ? new LogStatusNotificationRequest { Status = UploadLogStatusEnumType.Uploading, RequestId = running.RequestId }
                : new LogStatusNotificationRequest { Status = UploadLogStatusEnumType.Idle };
        }
    }

    /// <summary>The lines of a log whose timestamps lie in [<paramref name="oldest"/>, <paramref name="latest"/>] (each end open when null), oldest first.</summary>
    internal List<string> Lines(LogEnumType type, DateTimeOffset? oldest, DateTimeOffset? latest)
    {
        Flush();
        var file = type == LogEnumType.SecurityLog ? SecurityFile : DiagnosticsFile;
        var lines = new List<string>();
        lock (_fileLock)
        {
            foreach (var path in new[] { file + ".1", file })
            {
                if (!File.Exists(path))
                {
                    continue;
                }

                foreach (var line in File.ReadLines(path))
                {
                    var space = line.IndexOf(' ', StringComparison.Ordinal);
                    if (space > 0 && DateTimeOffset.TryParseExact(line.AsSpan(0, space), "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                        && (oldest is not { } o || at >= o) && (latest is not { } l || at <= l))
                    {
                        lines.Add(line);
                    }
                }
            }
        }

        return lines;
    }

    // N01 Retrieve Log Information: answered Accepted (AcceptedCanceled when it cancels a running upload), then uploaded.
    internal ValueTask<GetLogResponse> GetLog(GetLogRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(request.Log.RemoteLocation, UriKind.Absolute, out var location))
        {
            _context.Report($"GetLog {request.RequestId} rejected: {request.Log.RemoteLocation} is not a URL");
            return ValueTask.FromResult(new GetLogResponse
            {
                Status = LogStatusEnumType.Rejected,
                StatusInfo = new StatusInfoType { ReasonCode = "InvalidURL", AdditionalInfo = "remoteLocation must be an absolute URL." },
            });
        }

        var fileName = string.Create(CultureInfo.InvariantCulture, $"{(request.LogType == LogEnumType.SecurityLog ? "security" : "diagnostics")}-{request.RequestId}.log");
        var upload = new Upload(
            request.RequestId, request.LogType, location, fileName, request.Log.OldestTimestamp, request.Log.LatestTimestamp,
            Math.Max(0, request.Retries ?? DefaultRetries), request.RetryInterval is { } seconds ? TimeSpan.FromSeconds(Math.Max(0, seconds)) : DefaultRetryInterval);
        Upload? canceled;
        lock (_lock)
        {
            canceled = _current;
            _current = upload;
        }

        if (canceled is not null)
        {
            _context.Report($"GetLog {request.RequestId}: the upload of request {canceled.RequestId} is canceled");
            try
            {
                canceled.Cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It ended meanwhile.
            }
        }

        _context.Background.Run("GetLog " + request.RequestId.ToString(CultureInfo.InvariantCulture), () => RunAsync(upload));
        return ValueTask.FromResult(new GetLogResponse
        {
            Status = canceled is null ? LogStatusEnumType.Accepted : LogStatusEnumType.AcceptedCanceled,
            Filename = fileName,
        });
    }

    private async Task RunAsync(Upload upload)
    {
        var token = upload.Cancel.Token;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(token, _context.Stopping);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                _context.Report(string.Create(CultureInfo.InvariantCulture, $"GetLog {upload.RequestId}: attempt {attempt + 1} of {upload.Retries + 1}"));
                Notify(upload, UploadLogStatusEnumType.Uploading);
                var outcome = await SendAsync(upload, stopping.Token).ConfigureAwait(false);
                if (token.IsCancellationRequested)
                {
                    return;
                }

                Notify(upload, outcome);
                if (outcome is UploadLogStatusEnumType.Uploaded or UploadLogStatusEnumType.NotSupportedOperation || attempt >= upload.Retries)
                {
                    return;
                }

                await Task.Delay(upload.RetryInterval, _context.Clock, stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Canceled by a newer GetLog (it was answered AcceptedCanceled), or the station stops.
        }
        finally
        {
            lock (_lock)
            {
                if (_current == upload)
                {
                    _current = null;
                }
            }

            upload.Cancel.Dispose();
        }
    }

    private async Task<UploadLogStatusEnumType> SendAsync(Upload upload, CancellationToken cancellationToken)
    {
        if (upload.Location.Scheme != Uri.UriSchemeHttp && upload.Location.Scheme != Uri.UriSchemeHttps)
        {
            _context.Report($"GetLog {upload.RequestId}: {upload.Location.Scheme} uploads are not supported");
            return UploadLogStatusEnumType.NotSupportedOperation;
        }

        var header = string.Create(CultureInfo.InvariantCulture, $"# {upload.Type.ToWire()} {upload.Oldest?.ToString("O", CultureInfo.InvariantCulture) ?? "-"} {upload.Latest?.ToString("O", CultureInfo.InvariantCulture) ?? "-"}");
        var body = Encoding.UTF8.GetBytes(string.Join('\n', Lines(upload.Type, upload.Oldest, upload.Latest).Prepend(header)) + "\n");
        try
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, upload.Location) { Content = FileContent(body, upload.FileName) };
            using var response = await Http.SendAsync(put, cancellationToken).ConfigureAwait(false);
            var status = response.StatusCode;
            if (status == HttpStatusCode.MethodNotAllowed)
            {
                using var form = new MultipartFormDataContent { { FileContent(body, fileName: null), "file", upload.FileName } };
                using var post = await Http.PostAsync(upload.Location, form, cancellationToken).ConfigureAwait(false);
                status = post.StatusCode;
            }

            _context.Report($"GetLog {upload.RequestId}: {body.Length} bytes to {upload.Location.GetLeftPart(UriPartial.Path)}, HTTP {(int)status}");
            return (int)status is >= 200 and < 300 ? UploadLogStatusEnumType.Uploaded
                : status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? UploadLogStatusEnumType.PermissionDenied
                : UploadLogStatusEnumType.UploadFailure;
        }
        catch (HttpRequestException ex)
        {
            _context.Report($"GetLog {upload.RequestId}: upload failed: {ex.Message}");
            return UploadLogStatusEnumType.UploadFailure;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _context.Report($"GetLog {upload.RequestId}: upload timed out");
            return UploadLogStatusEnumType.UploadFailure;
        }
    }

    /// <summary>The log as a body: text, named as an attachment when <paramref name="fileName"/> is given (a form part is named by its form).</summary>
    private static ByteArrayContent FileContent(byte[] body, string? fileName)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        if (fileName is not null)
        {
            content.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName };
        }

        return content;
    }

    private void Notify(Upload upload, UploadLogStatusEnumType status) =>
        _context.Enqueue(new LogStatusNotificationRequest { Status = status, RequestId = upload.RequestId });

    private void Append(List<string> buffer, DateTimeOffset at, string message)
    {
        var line = at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) + " " + message.ReplaceLineEndings(" ");
        lock (_fileLock)
        {
            buffer.Add(line);
            if (buffer.Count >= BufferedLines)
            {
                Write(buffer == _security ? SecurityFile : DiagnosticsFile, buffer);
            }
        }
    }

    /// <summary>Appends the buffered lines to the file, rolling it over past <see cref="MaxFileBytes"/>. Under the file lock.</summary>
    private static void Write(string file, List<string> buffer)
    {
        if (buffer.Count == 0)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            if (File.Exists(file) && new FileInfo(file).Length > MaxFileBytes)
            {
                File.Move(file, file + ".1", overwrite: true);
            }

            File.AppendAllLines(file, buffer);
            buffer.Clear();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The data folder is not writable now: the lines stay buffered and are written with the next batch.
            if (buffer.Count > BufferedLines * 16)
            {
                buffer.RemoveRange(0, buffer.Count - BufferedLines * 16);
            }
        }
    }

    private sealed record Upload(
        int RequestId, LogEnumType Type, Uri Location, string FileName, DateTimeOffset? Oldest, DateTimeOffset? Latest, int Retries, TimeSpan RetryInterval)
    {
        public CancellationTokenSource Cancel { get; } = new();
    }
}
