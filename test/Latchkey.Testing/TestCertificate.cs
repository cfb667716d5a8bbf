using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Latchkey.Testing;

/// <summary>A self-signed certificate for 127.0.0.1 and localhost, made once per test run.</summary>
public static class TestCertificate
{
    private static readonly Lazy<X509Certificate2> Lazy = new(Create);

    /// <summary>The certificate, with its private key.</summary>
    public static X509Certificate2 Instance => Lazy.Value;

    private static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var cert = request.CreateSelfSigned(now, now.AddYears(50));
        // Round-trip through PKCS#12 so that the key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}
