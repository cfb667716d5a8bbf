namespace Latchkey.Security;

/// <summary>Web origins (RFC 6454) as the origin check and its configuration compare them.</summary>
public static class WebOrigin
{
    /// <summary>Normalizes an origin to <c>scheme://host[:port]</c>, lower case, default port omitted.</summary>
    /// <returns>False for anything that is not an http or https origin: a path, query, user info, <c>null</c>.</returns>
    public static bool TryNormalize(string? origin, out string normalized)
    {
        normalized = string.Empty;
        if (string.IsNullOrEmpty(origin) || origin.Length > 512 || !Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }

        if ((uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.UserInfo.Length > 0
            || (uri.AbsolutePath != "/" && uri.AbsolutePath.Length > 0) || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return false;
        }

        normalized = uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
        return true;
    }

    /// <summary>
    /// The origin of an absolute <c>http</c> or <c>https</c> URI (a redirect URI, say), normalized as
    /// <see cref="TryNormalize"/> does.
    /// </summary>
    /// <returns>False for any other URI, such as a native app's private-use scheme, which no browser script runs at,
    /// or one with user information, which no origin has.</returns>
    public static bool TryGetOriginOf(string? uri, out string origin)
    {
        origin = string.Empty;
        if (string.IsNullOrEmpty(uri) || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps) || parsed.UserInfo.Length > 0)
        {
            return false;
        }

        origin = parsed.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
        return true;
    }
}
