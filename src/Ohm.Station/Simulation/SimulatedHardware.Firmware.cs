using System.Globalization;
using System.Text;
using Ohm.Station.Hardware;

namespace Ohm.Station.Simulation;

/// <summary>
/// The simulated firmware installer (L01, L02). A simulated firmware image is a file whose first line is
/// <c>OHM-FIRMWARE &lt;version&gt;</c> (<see cref="FirmwareImage"/> makes one); anything else fails the installer's check.
/// An installed image runs after the next boot; the running and the installed version are kept in
/// <c>simulated-firmware.txt</c> in <see cref="FirmwareFolder"/>, so that the station comes back up on the new version.
/// </summary>
public sealed partial class SimulatedHardware
{
    /// <summary>The first word of a simulated firmware image.</summary>
    public const string FirmwareMagic = "OHM-FIRMWARE";

    private const string FirmwareFile = "simulated-firmware.txt";
    private string? _runningVersion;
    private string? _pendingVersion;
    private bool _firmwareLoaded;

    /// <summary>Where the simulated firmware keeps its versions (the station's data folder); null keeps them in memory only.</summary>
    public string? FirmwareFolder { get; set; }

    /// <summary>Simulator input: makes every installation end this way (Failed, VerificationFailed) until set back to null.</summary>
    public FirmwareInstallResult? FailFirmwareInstall { get; set; }

    /// <summary>Whether an installed image waits for a reboot to run.</summary>
    public bool FirmwarePendingReboot
    {
        get
        {
            lock (_lock)
            {
                LoadFirmware();
                return _pendingVersion is not null;
            }
        }
    }

    /// <inheritdoc/>
    public string? CurrentVersion
    {
        get
        {
            lock (_lock)
            {
                LoadFirmware();
                return _runningVersion;
            }
        }

        set
        {
            lock (_lock)
            {
                LoadFirmware();
                _runningVersion = value;
                SaveFirmware();
            }
        }
    }

    /// <summary>The bytes of a simulated firmware image of <paramref name="version"/> (with some payload after the header).</summary>
    public static byte[] FirmwareImage(string version, int payloadBytes = 4096)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        var header = Encoding.ASCII.GetBytes(FirmwareMagic + " " + version + "\n");
        var image = new byte[header.Length + payloadBytes];
        header.CopyTo(image, 0);
        for (var i = 0; i < payloadBytes; i++)
        {
            image[header.Length + i] = (byte)(i * 31 % 251);
        }

        return image;
    }

    /// <inheritdoc/>
    public async Task<FirmwareInstallResult> InstallAsync(string imagePath, CancellationToken cancellationToken)
    {
        if (FailFirmwareInstall is { } failure)
        {
            return failure;
        }

        string? version;
        try
        {
            version = await ReadVersionAsync(imagePath, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return FirmwareInstallResult.Failed;
        }

        if (version is null)
        {
            return FirmwareInstallResult.VerificationFailed;
        }

        lock (_lock)
        {
            LoadFirmware();
            _pendingVersion = version;
            SaveFirmware();
        }

        return FirmwareInstallResult.RebootRequired;
    }

    /// <inheritdoc/>
    public void Boot()
    {
        lock (_lock)
        {
            _firmwareLoaded = false;
            LoadFirmware();
            if (_pendingVersion is { } pending)
            {
                _runningVersion = pending;
                _pendingVersion = null;
                SaveFirmware();
            }
        }
    }

    /// <summary>The version in the image's header, or null when it is not a simulated firmware image.</summary>
    private static async Task<string?> ReadVersionAsync(string imagePath, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(imagePath);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[128];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var text = Encoding.ASCII.GetString(buffer, 0, read);
            var end = text.IndexOf('\n', StringComparison.Ordinal);
            if (end < 0 || !text.StartsWith(FirmwareMagic + " ", StringComparison.Ordinal))
            {
                return null;
            }

            var version = text[(FirmwareMagic.Length + 1)..end].Trim();
            return version.Length is > 0 and <= 50 ? version : null;
        }
    }

    private void LoadFirmware()
    {
        if (_firmwareLoaded)
        {
            return;
        }

        _firmwareLoaded = true;
        if (FirmwareFolder is not { } folder || !File.Exists(Path.Combine(folder, FirmwareFile)))
        {
            return;
        }

        foreach (var line in File.ReadAllLines(Path.Combine(folder, FirmwareFile)))
        {
            var split = line.IndexOf('=', StringComparison.Ordinal);
            var value = split < 0 || split == line.Length - 1 ? null : line[(split + 1)..];
            if (line.StartsWith("running=", StringComparison.Ordinal))
            {
                _runningVersion = value;
            }
            else if (line.StartsWith("installed=", StringComparison.Ordinal))
            {
                _pendingVersion = value;
            }
        }
    }

    private void SaveFirmware()
    {
        if (FirmwareFolder is not { } folder)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FirmwareFile);
        var text = string.Create(CultureInfo.InvariantCulture, $"running={_runningVersion}\ninstalled={_pendingVersion}\n");
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
