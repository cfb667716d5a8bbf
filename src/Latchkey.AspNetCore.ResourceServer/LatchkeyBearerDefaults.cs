namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>Names used by the Latchkey bearer scheme for resource servers.</summary>
public static class LatchkeyBearerDefaults
{
    /// <summary>The default authentication scheme name.</summary>
    public const string AuthenticationScheme = "LatchkeyBearer";

    /// <summary>
    /// The name of the <see cref="System.Net.Http.IHttpClientFactory"/> client that fetches the discovery
    /// document and the JWKS; configure it with <c>services.AddHttpClient(LatchkeyBearerDefaults.HttpClientName)</c>
    /// to add a proxy or handlers.
    /// </summary>
    public const string HttpClientName = "Latchkey.AspNetCore.ResourceServer";

    /// <summary>The claim carrying the subject: the account id, or the client id for client-credentials tokens.</summary>
    public const string SubjectClaim = "sub";

    /// <summary>The claim carrying the client the token was issued to.</summary>
    public const string ClientIdClaim = "client_id";

    /// <summary>The claim carrying the granted scopes, space-separated (RFC 9068 §2.2.3).</summary>
    public const string ScopeClaim = "scope";

    /// <summary>The claim carrying the session or refresh-token family the token derives from, when it has one.</summary>
    public const string SessionIdClaim = "sid";
}
