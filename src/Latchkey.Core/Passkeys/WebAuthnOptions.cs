namespace Latchkey.Passkeys;

/// <summary>Passkeys (WebAuthn), bound from <c>Latchkey:WebAuthn</c>.</summary>
public sealed class WebAuthnOptions
{
    /// <summary>The configuration section under <c>Latchkey</c>.</summary>
    public const string SectionName = "WebAuthn";

    /// <summary>
    /// The relying party id: the registrable domain that passkeys are bound to (<c>example.com</c> covers
    /// <c>auth.example.com</c>). Changing it later orphans every registered passkey.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the host of the issuer (<c>Latchkey:Issuer</c>).</value>
    public string? RelyingPartyId { get; set; }

    /// <summary>The name an authenticator shows for the relying party.</summary>
    /// <value>The default value is <c>Latchkey</c>.</value>
    public string RelyingPartyName { get; set; } = "Latchkey";

    /// <summary>
    /// The origins (<c>https://host[:port]</c>) whose pages may run a ceremony; a response from any other origin is
    /// refused. Compared exactly.
    /// </summary>
    /// <value>The default value is empty: the issuer's origin alone.</value>
    public IList<string> Origins { get; } = [];

    /// <summary>How long a ceremony (the options and challenge issued) stays usable; it is spent by its first answer.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan CeremonyLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The <c>timeout</c> hint given to the browser; at most <see cref="CeremonyLifetime"/>.</summary>
    /// <value>The default value is 4 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(4);
}
