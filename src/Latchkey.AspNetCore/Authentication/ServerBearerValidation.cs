using Latchkey.AccessTokens;
using Latchkey.AspNetCore.ResourceServer;
using Latchkey.Diagnostics;
using Latchkey.Grants;
using Latchkey.Tokens;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Authentication;

/// <summary>
/// How the server's own bearer scheme validates: with the <see cref="AccessTokenValidator"/> over this node's
/// key ring and revocation list, both in memory, so validation never waits.
/// </summary>
internal sealed class ServerBearerValidation(
    AccessTokenValidator validator, IIssuerProvider issuer, IOptions<TokenOptions> tokens, LatchkeyMetrics metrics) : IBearerTokenValidation
{
    // Made on first use: the issuer may be the listening address, known only once the server has started.
    private AccessTokenValidationParameters? _parameters;

    public ValueTask<AccessTokenValidationResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var parameters = _parameters ??= CreateParameters();
        var result = validator.Validate(token, parameters, out var fromCache);
        metrics.TokenValidated(result.Error, fromCache);
        return new ValueTask<AccessTokenValidationResult>(result);
    }

    private AccessTokenValidationParameters CreateParameters()
    {
        var options = tokens.Value;
        return new AccessTokenValidationParameters(issuer.Issuer, issuer.Audience, options.ClockSkew, options.MaxTokenLength);
    }
}
