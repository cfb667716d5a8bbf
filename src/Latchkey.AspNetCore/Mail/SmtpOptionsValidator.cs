using System.Net;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Latchkey.AspNetCore.Mail;

/// <summary>Checks <see cref="SmtpOptions"/> at start; each failure names its key (<c>Latchkey:Smtp:…</c>), never the password.</summary>
internal sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Security))
        {
            failures.Add("Latchkey:Smtp:Security must be Auto, StartTls, SslOnConnect or None.");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add("Latchkey:Smtp:Port must be between 1 and 65535.");
        }

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(1))
        {
            failures.Add("Latchkey:Smtp:Timeout must be between 1 second and 1 minute.");
        }

        if (options.From is { Length: > 0 } from && !MailboxAddress.TryParse(from, out _))
        {
            failures.Add("Latchkey:Smtp:From must be an address such as latchkey@example.com or \"Latchkey <latchkey@example.com>\".");
        }

        if (options.IsConfigured && string.IsNullOrWhiteSpace(options.From))
        {
            failures.Add("Latchkey:Smtp:From is required when Latchkey:Smtp:Host is set.");
        }

        if (string.IsNullOrEmpty(options.UserName) != string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Latchkey:Smtp:UserName and Latchkey:Smtp:Password go together: set both or neither.");
        }

        // A password over a plain connection would cross the network readable; only a relay on this host may go without TLS.
        if (options.IsConfigured && options.Security == SmtpSecurity.None && !string.IsNullOrEmpty(options.UserName) && !IsLoopback(options.Host!))
        {
            failures.Add("Latchkey:Smtp:Security=None would send Latchkey:Smtp:Password unencrypted to a remote host; use StartTls, SslOnConnect or Auto.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
