using Latchkey.Tokens;

namespace Latchkey.AspNetCore.Authentication;

/// <summary>Set on the request by the bearer handler: the validated access token.</summary>
/// <param name="Token">The token's claims.</param>
public sealed record LatchkeyAccessTokenFeature(AccessToken Token);
