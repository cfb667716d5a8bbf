using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using Latchkey.AspNetCore.Events;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Sessions;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Hosting;

/// <summary>
/// The host application's <see cref="LatchkeyEvents"/>, over HTTP: sign-in can be refused before anything is
/// created, session and token authentication can add claims that the host's endpoints see or refuse the
/// request, and a reused refresh token is reported after its family is revoked.
/// </summary>
public sealed class LatchkeyEventsTests(LatchkeyEventsTests.EventsHostFixture fixture) : IClassFixture<LatchkeyEventsTests.EventsHostFixture>
{
    private readonly HostApp _host = fixture.Host;
    private readonly EventsHostFixture _state = fixture;

    [Fact]
    public async Task SigningIn_Denied_Returns403SignInDeniedAndCreatesNoSession()
    {
        using var client = _host.CreateLatchkeyClient();
        var email = "suspended-" + TestData.NewEmail();
        var account = await client.RegisterAsync(email);

        using var response = await client.LoginAsync(email);

        var problem = await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "sign_in_denied");
        Assert.Equal("This account is suspended.", problem["detail"]?.GetValue<string>());
        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
        var sessions = await _host.App.Services.GetRequiredService<SessionManager>().ListAsync(account["id"]!.GetValue<string>(), CancellationToken.None);
        Assert.Empty(sessions);
    }

    [Fact]
    public async Task SigningIn_DeniedPasswordGrant_ReturnsInvalidGrantAndIssuesNothing()
    {
        using var client = _host.CreateLatchkeyClient();
        var email = "suspended-" + TestData.NewEmail();
        var account = await client.RegisterAsync(email);
        var userId = account["id"]!.GetValue<string>();

        using var response = await client.PasswordGrantAsync(email);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.ReadJsonObjectAsync();
        Assert.Equal("invalid_grant", body["error"]?.GetValue<string>());
        Assert.Equal("This account is suspended.", body["error_description"]?.GetValue<string>());
        Assert.False(body.ContainsKey("access_token"));
        Assert.DoesNotContain(_host.Logs.Named("RefreshFamilyStarted"), e => e.Message.Contains(userId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SigningIn_Allowed_SeesTheAccountAndTheMethod()
    {
        using var client = _host.CreateLatchkeyClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var login = await client.LoginAsync(email);
        using var grant = await client.PasswordGrantAsync(email);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        Assert.Contains((email, "session", (string?)null), _state.SignIns);
        Assert.Contains((email, "password", (string?)"latchkey"), _state.SignIns);
    }

    [Fact]
    public async Task SessionValidated_AddedClaim_IsSeenByTheHostsEndpoint()
    {
        using var client = _host.CreateLatchkeyClient();
        var userId = await client.SignUpAndLoginAsync();

        var claims = await _host.ClaimsAsync(client);

        Assert.NotNull(claims);
        Assert.Equal(["gold"], claims["tier"]);
        Assert.Equal([userId], claims["sub"]);
    }

    [Fact]
    public async Task SessionValidated_Rejected_Returns401AndTheSessionLivesOn()
    {
        using var client = _host.CreateLatchkeyClient();
        var userId = await client.SignUpAndLoginAsync();
        _state.Rejected[userId] = true;

        using var refused = await client.GetAsync("api/me");
        var hostClaims = await _host.ClaimsAsync(client);
        _state.Rejected.TryRemove(userId, out _);
        using var accepted = await client.GetAsync("api/me");

        await ProblemDetailsAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Null(hostClaims);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task TokenValidated_AddedClaim_IsSeenByTheHostsEndpoint()
    {
        using var client = _host.CreateLatchkeyClient();
        var email = TestData.NewEmail();
        var account = await client.RegisterAsync(email);
        var pair = await TokenPair.ReadAsync(await client.PasswordGrantAsync(email));

        var claims = await _host.ClaimsAsync(client, bearer: pair.AccessToken);

        Assert.NotNull(claims);
        Assert.Equal(["token-event"], claims["via"]);
        Assert.Equal([account["id"]!.GetValue<string>()], claims["sub"]);
    }

    [Fact]
    public async Task TokenValidated_Rejected_Returns401InvalidToken()
    {
        using var client = _host.CreateLatchkeyClient();
        var email = TestData.NewEmail();
        var account = await client.RegisterAsync(email);
        var pair = await TokenPair.ReadAsync(await client.PasswordGrantAsync(email));
        var userId = account["id"]!.GetValue<string>();
        _state.Rejected[userId] = true;

        using var refused = await client.SendAsync(HttpMethod.Get, "api/me", csrf: false, bearer: pair.AccessToken, cookie: false);
        _state.Rejected.TryRemove(userId, out _);
        using var accepted = await client.SendAsync(HttpMethod.Get, "api/me", csrf: false, bearer: pair.AccessToken, cookie: false);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task RefreshTokenReused_AfterTheFamilyIsRevoked_IsReported()
    {
        using var client = _host.CreateLatchkeyClient();
        var email = TestData.NewEmail();
        var account = await client.RegisterAsync(email);
        var first = await TokenPair.ReadAsync(await client.PasswordGrantAsync(email));
        var second = await TokenPair.ReadAsync(await client.RefreshAsync(first.RefreshToken!));
        _state.Successors[account["id"]!.GetValue<string>()] = second.RefreshToken!;

        using var reuse = await client.RefreshAsync(first.RefreshToken!);
        using var successor = await client.RefreshAsync(second.RefreshToken!);

        Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, successor.StatusCode);
        var report = Assert.Single(_state.Reused, r => r.UserId == account["id"]!.GetValue<string>());
        Assert.Equal("latchkey", report.ClientId);

        // The handler ran after the revocation: it found the successor already dead.
        Assert.False(report.SuccessorLiveAtNotification);
    }

    /// <summary>
    /// The host: sign-in refused for emails starting <c>suspended-</c>; a <c>tier</c> claim on sessions and a
    /// <c>via</c> claim on bearer tokens; both refused for the users in <see cref="Rejected"/>.
    /// </summary>
    public sealed class EventsHostFixture : IAsyncLifetime
    {
        internal HostApp Host { get; private set; } = null!;

        public ConcurrentDictionary<string, bool> Rejected { get; } = new();

        public ConcurrentQueue<(string Email, string Method, string? ClientId)> SignIns { get; } = new();

        public ConcurrentQueue<(string UserId, string ClientId, bool SuccessorLiveAtNotification)> Reused { get; } = new();

        public ConcurrentDictionary<string, string> Successors { get; } = new();

        public async Task InitializeAsync() => Host = await HostApp.StartAsync("/auth", latchkey => latchkey.ConfigureEvents(o => o.Events = new LatchkeyEvents
        {
            OnSigningIn = context =>
            {
                SignIns.Enqueue((context.Account.Email, context.Method, context.ClientId));
                if (context.Account.Email.StartsWith("suspended-", StringComparison.Ordinal))
                {
                    context.Deny("This account is suspended.");
                }

                return Task.CompletedTask;
            },
            OnSessionValidated = context =>
            {
                if (Rejected.ContainsKey(context.Session.UserId))
                {
                    context.Reject();
                }

                ((ClaimsIdentity)context.Principal.Identity!).AddClaim(new Claim("tier", "gold"));
                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                if (Rejected.ContainsKey(context.Principal.FindFirst("sub")!.Value))
                {
                    context.Reject();
                }

                ((ClaimsIdentity)context.Principal.Identity!).AddClaim(new Claim("via", "token-event"));
                return Task.CompletedTask;
            },
            OnRefreshTokenReused = async context =>
            {
                // The family's newest token, which the test noted; it must already be dead here.
                var live = Successors.TryGetValue(context.Family.UserId, out var successor)
                    && await context.Services.GetRequiredService<Latchkey.RefreshTokens.RefreshTokenService>().FindLiveAsync(successor, CancellationToken.None) is not null;
                Reused.Enqueue((context.Family.UserId, context.Family.ClientId, live));
            },
        }));

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }
}
