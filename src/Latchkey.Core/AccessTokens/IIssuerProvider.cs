namespace Latchkey.AccessTokens;

/// <summary>The server's issuer URL and the audience of its tokens.</summary>
public interface IIssuerProvider
{
    /// <summary>The <c>iss</c> of every token and of the discovery documents, without a trailing slash.</summary>
    string Issuer { get; }

    /// <summary>The <c>aud</c> of access tokens.</summary>
    string Audience { get; }
}
