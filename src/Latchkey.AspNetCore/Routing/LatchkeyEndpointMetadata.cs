namespace Latchkey.AspNetCore.Routing;

/// <summary>
/// Marks an endpoint as one of Latchkey's and says which protections its answers get. <c>MapLatchkey</c>
/// puts it on every endpoint it maps and <c>UseLatchkey</c>'s middleware reads it, so that the origin
/// check and <c>Cache-Control: no-store</c> follow the endpoints wherever the host maps them (a renamed
/// or nested route group included) instead of following path literals.
/// </summary>
public sealed class LatchkeyEndpointMetadata
{
    private LatchkeyEndpointMetadata(bool noStore, bool checkOrigin, bool oauthErrors)
    {
        NoStore = noStore;
        CheckOrigin = checkOrigin;
        OAuthErrors = oauthErrors;
    }

    /// <summary>Whether every answer, errors included, carries <c>Cache-Control: no-store</c> and <c>Pragma: no-cache</c>.</summary>
    public bool NoStore { get; }

    /// <summary>Whether an unsafe request whose <c>Origin</c> names a foreign origin is refused with 403 before anything runs.</summary>
    public bool CheckOrigin { get; }

    /// <summary>Whether errors are answered as RFC 6749 §5.2 error objects rather than problem details.</summary>
    public bool OAuthErrors { get; }

    // A new instance per group: a group's fallback finds the group's own endpoints by reference.
    internal static LatchkeyEndpointMetadata ForApi() => new(noStore: true, checkOrigin: true, oauthErrors: false);

    internal static LatchkeyEndpointMetadata ForOAuth() => new(noStore: true, checkOrigin: false, oauthErrors: true);

    // Probes, discovery, JWKS and pages: Latchkey's, so their errors are problem details, but cacheable.
    internal static LatchkeyEndpointMetadata ForOther() => new(noStore: false, checkOrigin: false, oauthErrors: false);
}
