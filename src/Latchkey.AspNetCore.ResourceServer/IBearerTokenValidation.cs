using Latchkey.Tokens;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>
/// How <see cref="LatchkeyBearerHandler"/> judges a token: with which keys and which revocations. A resource
/// server gets one that reads the Latchkey server's JWKS and revocation feed; the Latchkey server itself sets
/// <see cref="LatchkeyBearerOptions.Validation"/> to one over its in-process key ring and revocation list.
/// </summary>
public interface IBearerTokenValidation
{
    /// <summary>
    /// Validates <paramref name="token"/>. Runs on every request: it should complete synchronously when it
    /// can (an in-memory check), and do I/O only when the keys must be fetched.
    /// </summary>
    /// <param name="token">The credential of the <c>Authorization: Bearer</c> header, trimmed.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    ValueTask<AccessTokenValidationResult> ValidateAsync(string token, CancellationToken cancellationToken);
}
