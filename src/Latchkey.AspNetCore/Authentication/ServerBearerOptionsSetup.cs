using Latchkey.AccessTokens;
using Latchkey.AspNetCore.Events;
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
internal sealed class ServerBearerOptionsSetup(AccessTokenValidator validator, IIssuerProvider issuer, IOptions<TokenOptions> tokens, LatchkeyEventsDispatcher events)
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

        // LatchkeyEvents.OnTokenValidated rides on the scheme's own hook, set only when the application listens,
        // so that the bearer path makes no event context otherwise.
        if (events.ListensToTokenValidated)
        {
            options.Events.OnTokenValidated = async context =>
            {
                if (await events.TokenValidatedAsync(context.HttpContext, context.Principal!) is { } principal)
                {
                    context.Principal = principal;
                }
                else
                {
                    context.Fail("RefusedByOnTokenValidated");
                }
            };
        }
    }

    public void Configure(LatchkeyBearerOptions options) => Configure(Options.DefaultName, options);
}
