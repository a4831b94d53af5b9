using System.Security.Cryptography;

namespace Ohm.Station.Certificates;

/// <summary>
/// The station's private keys, one PKCS#8 PEM file each in <c>&lt;data&gt;/keys/</c>, readable by the owner only (0600
/// where the platform has Unix file modes). A key is written to a temporary file first and then moved into place, so a
/// crash leaves the old key or the new one, never half of one.
/// </summary>
public sealed class KeyStore
{
    private readonly Func<string> _dataDirectory;

    /// <summary>Keys under <paramref name="dataDirectory"/>/keys (read each time: the station's data folder).</summary>
    public KeyStore(Func<string> dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        _dataDirectory = dataDirectory;
    }

    /// <summary>The folder the keys are in.</summary>
    public string Folder => Path.Combine(_dataDirectory(), "keys");

    /// <summary>Whether a key named <paramref name="name"/> exists.</summary>
    public bool Exists(string name) => File.Exists(PathOf(name));

    /// <summary>Writes <paramref name="key"/> as <paramref name="name"/>, replacing any key of that name.</summary>
    public void Save(string name, AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var folder = Folder;
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = PathOf(name);
        var temporary = path + ".tmp";
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, create))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads the key named <paramref name="name"/> (ECDSA or RSA), or null when there is none.</summary>
    public AsymmetricAlgorithm? Load(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            return null;
        }

        var pem = File.ReadAllText(path);
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return ec;
        }
        catch (CryptographicException)
        {
            ec.Dispose();
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (CryptographicException ex)
        {
            rsa.Dispose();
            throw new InvalidDataException($"The key file '{path}' holds neither an ECDSA nor an RSA private key.", ex);
        }
    }

    /// <summary>Moves the key <paramref name="from"/> to <paramref name="to"/>, replacing what was there.</summary>
    public void Rename(string from, string to) => File.Move(PathOf(from), PathOf(to), overwrite: true);

    /// <summary>Deletes the key named <paramref name="name"/>, if there is one.</summary>
    public void Delete(string name)
    {
        var path = PathOf(name);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private string PathOf(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a key name.", nameof(name));
        }

        return Path.Combine(Folder, name + ".pem");
    }
}
