using Latchkey.AccessTokens;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.ResourceServer;
using Latchkey.Grants;
using Latchkey.Tokens;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Authentication;

/// <summary>
/// Points the server's bearer scheme (<see cref="LatchkeyDefaults.BearerScheme"/>) at this node's key ring and
/// revocation list, takes its token limits from <c>Latchkey:Tokens</c>, and makes its challenge and forbid
/// answers problem details like the rest of the API.
/// </summary>
internal sealed class ServerBearerOptionsSetup(AccessTokenValidator validator, IIssuerProvider issuer, IOptions<TokenOptions> tokens)
    : IConfigureNamedOptions<LatchkeyBearerOptions>
{
    public void Configure(string? name, LatchkeyBearerOptions options)
    {
        if (name != LatchkeyDefaults.BearerScheme)
        {
            return;
        }

        options.Validation = new ServerBearerValidation(validator, issuer, tokens);
        options.MaxTokenLength = tokens.Value.MaxTokenLength;
        options.ClockSkew = tokens.Value.ClockSkew;
        options.ValidatedTokenCacheSize = tokens.Value.ValidatedTokenCacheSize;
        options.Events.OnChallenge = context => LatchkeyProblems.Write(
            context.HttpContext, context.IsInvalidToken ? LatchkeyErrors.InvalidToken : LatchkeyErrors.Unauthenticated);
        options.Events.OnForbidden = context => LatchkeyProblems.Write(context.HttpContext, LatchkeyErrors.Forbidden);
    }

    public void Configure(LatchkeyBearerOptions options) => Configure(Options.DefaultName, options);
}
