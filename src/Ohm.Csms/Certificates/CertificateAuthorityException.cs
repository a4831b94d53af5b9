namespace Ohm.Csms.Certificates;

/// <summary>A certificate authority could not be loaded or generated; the message names the setting or file.</summary>
public sealed class CertificateAuthorityException : Exception
{
    public CertificateAuthorityException()
    {
    }

    public CertificateAuthorityException(string message)
        : base(message)
    {
    }

    public CertificateAuthorityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
