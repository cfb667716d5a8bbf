namespace Latchkey.AspNetCore.Mail;

/// <summary>
/// The SMTP server that delivers Latchkey's mail, bound from <c>Latchkey:Smtp</c>. With no <see cref="Host"/>,
/// messages are written as <c>.eml</c> files to the <c>mail/</c> folder of the data directory instead.
/// </summary>
public sealed class SmtpOptions
{
    /// <summary>The configuration section, under <c>Latchkey</c>.</summary>
    public const string SectionName = "Smtp";

    /// <summary>The SMTP server's host name; unset means the pickup folder.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Host { get; set; }

    /// <summary>The SMTP server's port.</summary>
    /// <value>The default value is 587 (submission).</value>
    public int Port { get; set; } = 587;

    /// <summary>How the connection is protected; the server's certificate is always validated.</summary>
    /// <value>The default value is <see cref="SmtpSecurity.Auto"/>: TLS on connect on port 465, required STARTTLS on any other.</value>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    /// <summary>The user to authenticate as; unset means no authentication.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? UserName { get; set; }

    /// <summary>The password of <see cref="UserName"/>. Never logged.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Password { get; set; }

    /// <summary>The sender, <c>address</c> or <c>Name &lt;address&gt;</c>; required with a <see cref="Host"/>.</summary>
    /// <value>The default value is <see langword="null"/> (<c>latchkey@localhost</c> in the pickup folder).</value>
    public string? From { get; set; }

    /// <summary>The longest one delivery attempt (connect, TLS, authenticate, send) may take before it counts as failed.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether an SMTP server is configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    /// <summary>The protection actually used, with <see cref="SmtpSecurity.Auto"/> resolved by the port.</summary>
    public SmtpSecurity EffectiveSecurity => Security == SmtpSecurity.Auto
        ? Port == 465 ? SmtpSecurity.SslOnConnect : SmtpSecurity.StartTls
        : Security;
}
