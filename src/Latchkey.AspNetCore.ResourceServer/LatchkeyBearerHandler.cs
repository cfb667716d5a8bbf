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
/// Authenticates <c>Authorization: Bearer</c> requests with Latchkey access tokens, checked by Latchkey's own
/// <see cref="AccessTokenValidator"/> against the keys of <see cref="LatchkeyKeyCache"/>. A token that names an
/// unknown key makes the cache refetch (within its cooldown) and is validated once more. A refused token is
/// answered 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c> (RFC 6750 §3.1).
/// </summary>
internal sealed class LatchkeyBearerHandler : AuthenticationHandler<LatchkeyBearerOptions>
{
    private const string BearerPrefix = "Bearer ";

    // Fixed failures, one per reason, made once (the message is the reason, never the token).
    private static readonly AuthenticateResult[] Failures =
        Enum.GetValues<TokenValidationError>().Select(e => AuthenticateResult.Fail(e.ToString())).ToArray();

    private static readonly AuthenticateResult SeveralAuthorizationHeaders = AuthenticateResult.Fail("Several Authorization headers.");

    private static readonly AuthenticateResult RevocationsNotLoaded = AuthenticateResult.Fail("Revocation state is not loaded yet.");

    private readonly LatchkeyBearerStates _states;

    public LatchkeyBearerHandler(IOptionsMonitor<LatchkeyBearerOptions> options, ILoggerFactory logger, UrlEncoder encoder, LatchkeyBearerStates states)
        : base(options, logger, encoder)
    {
        _states = states;
    }

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
        if (value is null || !(value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) || value.Equals("Bearer", StringComparison.OrdinalIgnoreCase)))
        {
            // Another scheme's credential (Basic, ...): not ours to judge.
            return AuthenticateResult.NoResult();
        }

        var span = value.Length > BearerPrefix.Length ? value.AsSpan(BearerPrefix.Length).Trim() : [];
        if (span.IsEmpty)
        {
            return Refuse(Failures[(int)TokenValidationError.Malformed]);
        }

        if (span.Length > Options.MaxTokenLength)
        {
            return Refuse(Failures[(int)TokenValidationError.TooLarge]);
        }

        var token = span.ToString();
        var state = _states.Get(Scheme.Name, Options);
        state.Keys.RefreshIfStale();
        if (state.Revocations is { Ready.IsCompleted: false } feed)
        {
            // Right after start, wait briefly for the first snapshot, so that a revoked token is not let in
            // merely because this server has not heard of its revocation yet.
            try
            {
                await feed.Ready.WaitAsync(Options.HttpTimeout, Options.TimeProvider ?? TimeProvider.System, Context.RequestAborted);
            }
            catch (TimeoutException)
            {
                return Refuse(RevocationsNotLoaded);
            }
        }

        var result = state.Validator.Validate(token, state.Parameters);
        if (result.Error == TokenValidationError.UnknownKey)
        {
            // A key Latchkey published after our last fetch, or a forged kid: refetch at most once per cooldown,
            // then validate once more (the keys may also have arrived through a fetch that was already running).
            try
            {
                await state.Keys.RefreshAsync(Context.RequestAborted);
            }
            catch (OperationCanceledException) when (Context.RequestAborted.IsCancellationRequested)
            {
                return Refuse(Failures[(int)TokenValidationError.UnknownKey]);
            }

            result = state.Validator.Validate(token, state.Parameters);
        }

        if (!result.IsValid)
        {
            return Refuse(Failures[(int)result.Error]);
        }

        var access = result.Token!;
        var issuer = state.Keys.Issuer;
        var claims = new List<Claim>(4)
        {
            new(LatchkeyBearerDefaults.SubjectClaim, access.Subject, ClaimValueTypes.String, issuer),
            new(LatchkeyBearerDefaults.ClientIdClaim, access.ClientId, ClaimValueTypes.String, issuer),
            new(LatchkeyBearerDefaults.ScopeClaim, access.Scope, ClaimValueTypes.String, issuer),
        };
        if (access.SessionId is not null)
        {
            claims.Add(new Claim(LatchkeyBearerDefaults.SessionIdClaim, access.SessionId, ClaimValueTypes.String, issuer));
        }

        Log.TokenAccepted(Logger, access.Subject);
        var identity = new ClaimsIdentity(claims, Scheme.Name, LatchkeyBearerDefaults.SubjectClaim, roleType: null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var authenticate = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(
            HeaderNames.WWWAuthenticate,
            authenticate.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"");
    }

    private AuthenticateResult Refuse(AuthenticateResult failure)
    {
        Log.TokenRefused(Logger, failure.Failure!.Message);
        return failure;
    }
}
