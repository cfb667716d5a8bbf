namespace Latchkey.AccessTokens;

/// <summary>What an access token is about, given to <see cref="AccessTokenIssuer"/>.</summary>
/// <param name="Subject">The account id, or the client id for client-credentials tokens.</param>
/// <param name="ClientId">The client the token is issued to.</param>
/// <param name="Scope">Space-separated scopes; empty for none.</param>
/// <param name="SessionId">
/// The browser session (its public id) or refresh-token family the token derives from, as <c>sid</c>;
/// ending that session or family revokes the token.
/// </param>
/// <param name="Generation">
/// The account's token generation. Logging out everywhere and changing the password raise it, and every
/// token of a lower generation is refused: an exact "issued before" that does not depend on clocks or on
/// <c>iat</c>'s one-second precision. Zero for client tokens.
/// </param>
/// <param name="AuthTime">When the user authenticated (<c>auth_time</c>); <see langword="null"/> for client tokens.</param>
/// <param name="Methods">How the user authenticated (<c>amr</c>, <c>acr</c>); none for client tokens.</param>
public sealed record AccessTokenClaims(
    string Subject, string ClientId, string Scope, string? SessionId, long Generation,
    DateTimeOffset? AuthTime = null, Sessions.AuthenticationMethods Methods = Sessions.AuthenticationMethods.None);
