namespace Latchkey.Revocation;

/// <summary>What a revocation entry covers.</summary>
public enum RevocationKind
{
    /// <summary>One access token, by <c>jti</c>.</summary>
    AccessToken = 1,

    /// <summary>Every access token minted from a browser session or refresh-token family, by <c>sid</c>.</summary>
    Session = 2,

    /// <summary>Every access token of an account below a token generation.</summary>
    UserGeneration = 3,
}
