namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>The addresses the resource server derives from the authority, and the rule for plain HTTP.</summary>
internal static class LatchkeyEndpoints
{
    /// <summary>The discovery document's path below the authority (RFC 8414 §3).</summary>
    public const string MetadataPath = "/.well-known/oauth-authorization-server";

    /// <summary>The authority as Latchkey writes its issuer: without a trailing slash.</summary>
    public static string NormalizeIssuer(string value) => value.TrimEnd('/');

    /// <summary>Whether keys may be fetched from <paramref name="address"/>: https, or http to a loopback host, or http allowed.</summary>
    public static bool IsAllowed(Uri address, bool requireHttps) =>
        address.Scheme == Uri.UriSchemeHttps
        || (address.Scheme == Uri.UriSchemeHttp && (!requireHttps || address.IsLoopback));
}
