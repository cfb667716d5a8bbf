using Latchkey.Tokens;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>
/// Set on the request by the bearer handler once a token is accepted: the validated token, with what the
/// principal's claims do not carry (<c>jti</c>, <c>exp</c>, the token generation).
/// </summary>
/// <param name="Token">The token's claims.</param>
public sealed record LatchkeyAccessTokenFeature(AccessToken Token);
