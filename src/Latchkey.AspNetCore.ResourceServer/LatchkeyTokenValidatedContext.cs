using Latchkey.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>
/// Given to <see cref="LatchkeyBearerEvents.OnTokenValidated"/>: the token that validated and the principal made
/// from it. Add claims to the principal's identity, replace <see cref="ResultContext{TOptions}.Principal"/>, or
/// call <see cref="ResultContext{TOptions}.Fail(string)"/> to refuse the request as an invalid token.
/// </summary>
public sealed class LatchkeyTokenValidatedContext : ResultContext<LatchkeyBearerOptions>
{
    /// <summary>Creates the context.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The bearer scheme.</param>
    /// <param name="options">The scheme's options.</param>
    /// <param name="token">The validated token.</param>
    public LatchkeyTokenValidatedContext(HttpContext context, AuthenticationScheme scheme, LatchkeyBearerOptions options, AccessToken token)
        : base(context, scheme, options)
    {
        ArgumentNullException.ThrowIfNull(token);
        Token = token;
    }

    /// <summary>The validated token's claims.</summary>
    public AccessToken Token { get; }
}
