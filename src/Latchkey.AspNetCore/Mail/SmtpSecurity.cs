namespace Latchkey.AspNetCore.Mail;

/// <summary>How the connection to the SMTP server is protected.</summary>
public enum SmtpSecurity
{
    /// <summary>
    /// TLS from the first byte on port 465, else <see cref="StartTls"/> (required, never skipped): encrypted either way.
    /// </summary>
    Auto,

    /// <summary>Plain connection upgraded with STARTTLS; the send fails when the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    SslOnConnect,

    /// <summary>No encryption: only for a relay on the same host or a test server.</summary>
    None,
}
