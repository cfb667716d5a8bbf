namespace Latchkey.Tokens;

/// <summary>The outcome of validating an access token: the token, or why it was refused.</summary>
public readonly record struct AccessTokenValidationResult(TokenValidationError Error, AccessToken? Token)
{
    /// <summary>Whether the token was accepted.</summary>
    public bool IsValid => Error == TokenValidationError.None;

    /// <summary>A refusal.</summary>
    public static AccessTokenValidationResult Fail(TokenValidationError error) => new(error, null);
}
