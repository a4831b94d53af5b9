namespace Ohm.Station.Hardware;

/// <summary>Installs firmware on the charger (L, firmware management, lands on this seam).</summary>
public interface IFirmwareInstaller
{
    /// <summary>The version of the firmware running now (BootNotification); null: the configuration's.</summary>
    string? CurrentVersion { get; }

    /// <summary>Installs a downloaded firmware image; true when it was installed.</summary>
    Task<bool> InstallAsync(string imagePath, CancellationToken cancellationToken);
}
