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
/// <remarks>
/// A token issued to a third-party application (a client of the code flow that requires consent) is refused by
/// Latchkey's own API endpoints: the API manages the account, and consenting to <c>openid profile</c> does not hand
/// an application the account. Such tokens are for <c>/oauth/userinfo</c> and for resource servers.
/// </remarks>
internal sealed class ServerBearerOptionsSetup(
    AccessTokenValidator validator, IIssuerProvider issuer, IOptions<TokenOptions> tokens, LatchkeyEventsDispatcher events, Latchkey.Clients.IClientRegistry clients,
    Latchkey.Diagnostics.LatchkeyMetrics metrics)
    : IConfigureNamedOptions<LatchkeyBearerOptions>
{
    public void Configure(string? name, LatchkeyBearerOptions options)
    {
        if (name != LatchkeyDefaults.BearerScheme)
        {
            return;
        }

        options.Validation = new ServerBearerValidation(validator, issuer, tokens, metrics);
        options.MaxTokenLength = tokens.Value.MaxTokenLength;
        options.ClockSkew = tokens.Value.ClockSkew;
        options.ValidatedTokenCacheSize = tokens.Value.ValidatedTokenCacheSize;
        options.Events.OnChallenge = context => LatchkeyProblems.Write(
            context.HttpContext, context.IsInvalidToken ? LatchkeyErrors.InvalidToken : LatchkeyErrors.Unauthenticated);
        options.Events.OnForbidden = context => LatchkeyProblems.Write(context.HttpContext, LatchkeyErrors.Forbidden);

        // LatchkeyEvents.OnTokenValidated rides on the scheme's own hook; its context is made only when the application listens.
        options.Events.OnTokenValidated = async context =>
        {
            if (IsThirdPartyTokenOnApi(context.HttpContext, context.Principal!))
            {
                context.Fail("ThirdPartyClient");
                return;
            }

            if (!events.ListensToTokenValidated)
            {
                return;
            }

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

    public void Configure(LatchkeyBearerOptions options) => Configure(Options.DefaultName, options);

    private bool IsThirdPartyTokenOnApi(Microsoft.AspNetCore.Http.HttpContext context, System.Security.Claims.ClaimsPrincipal principal)
    {
        if (Microsoft.AspNetCore.Http.EndpointHttpContextExtensions.GetEndpoint(context)?.Metadata.GetMetadata<Routing.LatchkeyEndpointMetadata>() is not { CheckOrigin: true })
        {
            return false;
        }

        var clientId = principal.FindFirst(AccessTokenClaimNames.ClientId)?.Value;
        return clients.Find(clientId) is { RequireConsent: true } client && client.Allows("authorization_code")
            && principal.FindFirst(LatchkeyDefaults.SubjectClaim)?.Value != clientId;
    }
}
