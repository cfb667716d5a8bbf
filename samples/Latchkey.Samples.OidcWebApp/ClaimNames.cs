namespace Latchkey.Samples.OidcWebApp;

/// <summary>The JWT claim names the application reads (inbound claims are kept as the provider names them).</summary>
public static class ClaimNames
{
    /// <summary>The user's id at Latchkey.</summary>
    public const string Subject = "sub";

    /// <summary>Latchkey's browser session id, shared by the ID token and the logout token.</summary>
    public const string SessionId = "sid";

    /// <summary>The email address.</summary>
    public const string Email = "email";
}
