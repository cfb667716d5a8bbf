using System.Security.Claims;
using System.Text.Encodings.Web;
using Latchkey.AspNetCore.Events;
using Latchkey.AspNetCore.Http;
using Latchkey.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Authentication;

/// <summary>
/// Authenticates <c>Authorization: Bearer</c> requests with Latchkey's own access tokens: signature
/// against the key ring, RFC 8725 rules, and the in-memory revocation list. A refused token is
/// answered 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c> (RFC 6750 §3.1).
/// </summary>
public sealed class LatchkeyBearerHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    private const string ErrorItem = "latchkey:bearer_error";
    private readonly AccessTokenValidator _validator;
    private readonly IIssuerProvider _issuer;
    private readonly IOptions<TokenOptions> _tokens;

    /// <summary>Creates the handler.</summary>
    public LatchkeyBearerHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
        AccessTokenValidator validator, IIssuerProvider issuer, IOptions<TokenOptions> tokens)
        : base(options, logger, encoder)
    {
        _validator = validator;
        _issuer = issuer;
        _tokens = tokens;
    }

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var value = header.Count == 1 ? header[0] : null;
        if (value is null || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(Refuse("The Authorization header is not a single Bearer credential."));
        }

        var options = _tokens.Value;
        var token = value.AsSpan(7).Trim().ToString();
        var parameters = new AccessTokenValidationParameters(_issuer.Issuer, _issuer.Audience, options.ClockSkew, options.MaxTokenLength);
        var result = _validator.Validate(token, parameters);
        if (!result.IsValid)
        {
            return Task.FromResult(Refuse(result.Error.ToString()));
        }

        var access = result.Token!;
        Context.Features.Set(new LatchkeyAccessTokenFeature(access));
        var claims = new List<Claim>(6)
        {
            new(LatchkeyDefaults.SubjectClaim, access.Subject),
            new(LatchkeyDefaults.AuthMethodClaim, "bearer"),
            new("client_id", access.ClientId),
            new("scope", access.Scope),
        };
        if (access.SessionId is not null)
        {
            claims.Add(new Claim(LatchkeyDefaults.SessionIdClaim, access.SessionId));
        }

        var identity = new ClaimsIdentity(claims, Scheme.Name, LatchkeyDefaults.SubjectClaim, null);
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name);
        return LatchkeyEventsDispatcher.For(Context).TokenValidatedAsync(Context, ticket, () => Refuse("The application refused the token."));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var authenticate = await HandleAuthenticateOnceSafeAsync();
        if (authenticate.Failure is not null)
        {
            Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await LatchkeyProblems.Write(Context, LatchkeyErrors.InvalidToken);
            return;
        }

        Response.Headers.WWWAuthenticate = "Bearer";
        await LatchkeyProblems.Write(Context, LatchkeyErrors.Unauthenticated);
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        LatchkeyProblems.Write(Context, LatchkeyErrors.Forbidden);

    private AuthenticateResult Refuse(string reason)
    {
        Context.Items[ErrorItem] = reason;
        return AuthenticateResult.Fail(reason);
    }
}
