using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>Given to <see cref="LatchkeyBearerEvents.OnChallenge"/>, after the status and <c>WWW-Authenticate</c> are set.</summary>
public sealed class LatchkeyBearerChallengeContext : PropertiesContext<LatchkeyBearerOptions>
{
    /// <summary>Creates the context.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The bearer scheme.</param>
    /// <param name="options">The scheme's options.</param>
    /// <param name="properties">The challenge's properties.</param>
    /// <param name="failure">Why the presented token was refused, or <see langword="null"/> when no token was presented.</param>
    public LatchkeyBearerChallengeContext(
        HttpContext context, AuthenticationScheme scheme, LatchkeyBearerOptions options, AuthenticationProperties? properties, Exception? failure)
        : base(context, scheme, options, properties)
    {
        AuthenticateFailure = failure;
    }

    /// <summary>Why the presented token was refused (the message names the reason, never the token), or <see langword="null"/> when none was presented.</summary>
    public Exception? AuthenticateFailure { get; }

    /// <summary>Whether a token was presented and refused: the answer then carries <c>error="invalid_token"</c> (RFC 6750 §3.1).</summary>
    public bool IsInvalidToken => AuthenticateFailure is not null;
}
