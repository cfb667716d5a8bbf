namespace Latchkey.Keys;

/// <summary>What a signing key signs.</summary>
public enum SigningKeyUse
{
    /// <summary>Access tokens (and ID tokens of clients that use the same algorithm): the main chain.</summary>
    AccessTokens,

    /// <summary>Only the ID tokens of clients whose <c>IdTokenSigningAlgorithm</c> differs from the main chain's.</summary>
    IdTokens,
}

/// <summary>Where a signing key is in its life.</summary>
public enum SigningKeyState
{
    /// <summary>Published so that verifiers learn it; it signs from its activation time.</summary>
    Pending,

    /// <summary>The key that signs its chain's tokens now.</summary>
    Signing,

    /// <summary>Superseded: still published and verifying until the last token it signed has expired.</summary>
    Retiring,
}

/// <summary>A stored signing key as an operator sees it: never its private half.</summary>
/// <param name="Kid">The key id published as <c>kid</c>.</param>
/// <param name="Algorithm">Its JWS algorithm.</param>
/// <param name="Use">What it signs.</param>
/// <param name="State">Where it is in its life at the time of listing.</param>
/// <param name="CreatedAt">When it was made and published.</param>
/// <param name="ActivatesAt">When it starts (or started) signing.</param>
public sealed record SigningKeyInfo(string Kid, string Algorithm, SigningKeyUse Use, SigningKeyState State, DateTimeOffset CreatedAt, DateTimeOffset ActivatesAt);
