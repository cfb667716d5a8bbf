using System.Security.Claims;
using System.Text.Encodings.Web;
using Latchkey.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>
/// Authenticates <c>Authorization: Bearer</c> requests with Latchkey access tokens, checked by Latchkey's
/// <see cref="AccessTokenValidator"/> through the scheme's <see cref="IBearerTokenValidation"/>: on a resource
/// server the keys of the Latchkey server's JWKS (and its revocation feed), on the Latchkey server its own key
/// ring and revocation list. Both therefore answer alike (RFC 6750): a request without an Authorization header,
/// or with another scheme's credential (<c>Basic</c>, ...), is not this handler's (no result, so other schemes
/// can run); a Bearer credential that is empty, oversized, malformed or refused, or several Authorization
/// headers, fail, and the challenge is 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c>.
/// </summary>
internal sealed class LatchkeyBearerHandler : AuthenticationHandler<LatchkeyBearerOptions>
{
    private const string BearerScheme = LatchkeyBearerDefaults.BearerScheme;

    // Fixed failures, one per reason, made once (the message is the reason, never the token).
    private static readonly AuthenticateResult[] Failures =
        Enum.GetValues<TokenValidationError>().Select(e => AuthenticateResult.Fail(e.ToString())).ToArray();

    private static readonly AuthenticateResult SeveralAuthorizationHeaders = AuthenticateResult.Fail("SeveralAuthorizationHeaders");

    private static readonly AuthenticateResult RefusedByEvent = AuthenticateResult.Fail("RefusedByOnTokenValidated");

    private readonly LatchkeyBearerStates _states;

    // One per request, made by the authentication system; states holds the JWKS-backed validation of each
    // scheme that has no LatchkeyBearerOptions.Validation.
    public LatchkeyBearerHandler(IOptionsMonitor<LatchkeyBearerOptions> options, ILoggerFactory logger, UrlEncoder encoder, LatchkeyBearerStates states)
        : base(options, logger, encoder)
    {
        _states = states;
    }

    private new LatchkeyBearerEvents Events => (LatchkeyBearerEvents)base.Events!;

    protected override Task<object> CreateEventsAsync() => Task.FromResult<object>(new LatchkeyBearerEvents());

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (header.Count > 1)
        {
            return Refuse(SeveralAuthorizationHeaders);
        }

        var value = header[0];
        if (!LatchkeyBearerDefaults.IsBearerCredential(value))
        {
            // Another scheme's credential (Basic, ...): not ours to judge.
            return AuthenticateResult.NoResult();
        }

        var span = value.AsSpan(BearerScheme.Length).Trim(' ');
        if (span.IsEmpty)
        {
            return Refuse(Failures[(int)TokenValidationError.Malformed]);
        }

        if (span.Length > Options.MaxTokenLength)
        {
            // Refused before a copy of it is made.
            return Refuse(Failures[(int)TokenValidationError.TooLarge]);
        }

        var validation = Options.Validation ?? _states.Get(Scheme.Name, Options);
        var result = await validation.ValidateAsync(span.ToString(), Context.RequestAborted);
        if (!result.IsValid)
        {
            return Refuse(Failures[(int)result.Error]);
        }

        var access = result.Token!;
        Context.Features.Set(new LatchkeyAccessTokenFeature(access));
        var principal = new ClaimsPrincipal(CreateIdentity(access, Scheme.Name));
        var events = Events;

        // The event context is made only when someone listens: the common case stays as lean as it can.
        if (events.OnTokenValidated is not null || events.GetType() != typeof(LatchkeyBearerEvents))
        {
            var validated = new LatchkeyTokenValidatedContext(Context, Scheme, Options, access) { Principal = principal };
            await events.TokenValidated(validated);
            if (validated.Result is { } decided)
            {
                if (decided.Failure is not null)
                {
                    Log.TokenRefused(Logger, decided.Failure.Message);
                }

                return decided;
            }

            if (validated.Principal is null)
            {
                return Refuse(RefusedByEvent);
            }

            validated.Success();
            Log.TokenAccepted(Logger, access.Subject);
            return validated.Result!;
        }

        Log.TokenAccepted(Logger, access.Subject);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var authenticate = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers[HeaderNames.WWWAuthenticate] = authenticate.Failure is null ? BearerScheme : "Bearer error=\"invalid_token\"";
        await Events.Challenge(new LatchkeyBearerChallengeContext(Context, Scheme, Options, properties, authenticate.Failure));
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Events.Forbidden(new LatchkeyBearerForbiddenContext(Context, Scheme, Options, properties));
    }

    // The same claims on the server and on every resource server: sub, client_id, scope, sid when the token has
    // one, auth_time, acr and one amr claim per method when the token has them, and the authentication method. The issuer of each claim is the token's.
    private static ClaimsIdentity CreateIdentity(AccessToken access, string scheme)
    {
        var issuer = access.Issuer;
        var claims = new List<Claim>(5)
        {
            new(LatchkeyBearerDefaults.SubjectClaim, access.Subject, ClaimValueTypes.String, issuer),
            new(LatchkeyBearerDefaults.AuthMethodClaim, LatchkeyBearerDefaults.AuthMethod, ClaimValueTypes.String, issuer),
            new(LatchkeyBearerDefaults.ClientIdClaim, access.ClientId, ClaimValueTypes.String, issuer),
            new(LatchkeyBearerDefaults.ScopeClaim, access.Scope, ClaimValueTypes.String, issuer),
        };
        if (access.SessionId is not null)
        {
            claims.Add(new Claim(LatchkeyBearerDefaults.SessionIdClaim, access.SessionId, ClaimValueTypes.String, issuer));
        }

        if (access.AuthTime is { } authTime)
        {
            claims.Add(new Claim(
                LatchkeyBearerDefaults.AuthTimeClaim, authTime.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer64, issuer));
        }

        if (access.Acr is not null)
        {
            claims.Add(new Claim(LatchkeyBearerDefaults.AcrClaim, access.Acr, ClaimValueTypes.String, issuer));
        }

        foreach (var method in access.Amr.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            claims.Add(new Claim(LatchkeyBearerDefaults.AmrClaim, method, ClaimValueTypes.String, issuer));
        }

        return new ClaimsIdentity(claims, scheme, LatchkeyBearerDefaults.SubjectClaim, roleType: null);
    }

    private AuthenticateResult Refuse(AuthenticateResult failure)
    {
        Log.TokenRefused(Logger, failure.Failure!.Message);
        return failure;
    }
}
