namespace Ohm.Station.Hardware;

/// <summary>
/// Installs firmware on the charger (L01, L02). The Firmware block downloads the image and checks its signature; the
/// installer puts it in place. Firmware that takes a reboot runs after <see cref="Boot"/>, which the station calls each
/// time it starts, as a charger's boot loader switches to the new image when it powers up.
/// </summary>
public interface IFirmwareInstaller
{
    /// <summary>The version of the firmware running now (BootNotification); null: the configuration's.</summary>
    string? CurrentVersion { get; }

    /// <summary>Installs a downloaded (and, when signed, verified) firmware image; <paramref name="cancellationToken"/> fires when the station stops.</summary>
    Task<FirmwareInstallResult> InstallAsync(string imagePath, CancellationToken cancellationToken);

    /// <summary>The station starts: firmware installed for the next boot starts running now.</summary>
    void Boot();
}

/// <summary>What installing a firmware image came to.</summary>
public enum FirmwareInstallResult
{
    /// <summary>Installed and running; no reboot needed (FirmwareStatus Installed).</summary>
    Installed,

    /// <summary>Installed; it runs once the station reboots (InstallRebooting, then Installed after the boot).</summary>
    RebootRequired,

    /// <summary>The image failed the installer's own check (not for this charger, corrupt): nothing was installed (InstallVerificationFailed).</summary>
    VerificationFailed,

    /// <summary>The installation failed; the previous firmware runs on (InstallationFailed).</summary>
    Failed,
}
