namespace Latchkey.Tokens;

/// <summary>Says whether a signature-valid token was revoked. An in-memory lookup: no I/O per request.</summary>
public interface IAccessTokenRevocationCheck
{
    /// <summary>Whether <paramref name="token"/> must be refused.</summary>
    bool IsRevoked(AccessToken token);
}
