using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests;

/// <summary>
/// Idle (sliding) and absolute session timeouts, walked to the edge on a fake clock: one second before
/// each timeout the session works, at it the session is gone. Configured here to 10 minutes idle and
/// 1 hour absolute; the touch interval keeps its default of 1 minute, and background pruning is
/// pushed out of reach so that it cannot end a session before the request that judges it.
/// Tests share the server and its clock: each logs in afresh and only moves the clock forward.
/// </summary>
public sealed class SessionTimeoutTests : IClassFixture<SessionTimeoutTests.ShortTimeoutServerFixture>
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Absolute = TimeSpan.FromHours(1);
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);
    private readonly LatchkeyTestServer _server;
    private readonly FakeTimeProvider _time;

    public SessionTimeoutTests(ShortTimeoutServerFixture fixture)
    {
        _server = fixture.Server;
        _time = fixture.Time;

        // Tests share the clock; start each on a whole second so that the server's millisecond truncation is a no-op.
        var sub = _time.GetUtcNow().Ticks % TimeSpan.TicksPerSecond;
        if (sub != 0)
        {
            _time.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond - sub));
        }
    }

    [Fact]
    public async Task Login_WithConfiguredTimeouts_ReportsIdleExpiryAndBothTimesInSession()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        var t0 = _time.GetUtcNow();

        using var login = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(t0 + Idle, (await login.ReadJsonObjectAsync())["expiresAt"]!.GetValue<DateTimeOffset>());
        var session = await SessionAsync(client);
        Assert.Equal(t0 + Idle, session.IdleExpiresAt);
        Assert.Equal(t0 + Absolute, session.AbsoluteExpiresAt);
    }

    [Fact]
    public async Task Request_OneSecondBeforeIdleTimeout_Succeeds()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        _time.Advance(Idle - OneSecond);

        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Fact]
    public async Task Request_AtIdleTimeout_Returns401()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        _time.Advance(Idle);

        using var response = await client.GetAsync("api/me");
        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Request_AfterIdleTimeout_Returns401AndSessionStaysGone()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        _time.Advance(Idle + OneSecond);
        Assert.Equal(HttpStatusCode.Unauthorized, await client.MeStatusAsync());

        // Time never runs backwards, but the expired session must be gone server-side, not merely judged late.
        Assert.Equal(HttpStatusCode.Unauthorized, await client.MeStatusAsync());
        using var session = await client.GetAsync("api/session");
        await ProblemAssert.IsAsync(session, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Activity_AfterTouchInterval_RecordsLastSeenAndPushesIdleExpiry()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var t0 = _time.GetUtcNow();

        _time.Advance(TimeSpan.FromMinutes(5));
        var session = await SessionAsync(client);

        Assert.Equal(t0, session.CreatedAt);
        Assert.Equal(t0 + TimeSpan.FromMinutes(5), session.LastSeenAt);
        Assert.Equal(t0 + TimeSpan.FromMinutes(5) + Idle, session.IdleExpiresAt);
        Assert.Equal(t0 + Absolute, session.AbsoluteExpiresAt);
    }

    [Fact]
    public async Task Activity_AfterTouchInterval_KeepsSessionAlivePastOriginalIdleExpiry()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
        _time.Advance(Idle - OneSecond);

        // 14:59 after login: long past the first idle expiry at 10:00, one second before the pushed one.
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Fact]
    public async Task Activity_AfterTouchInterval_SessionEndsIdleTimeoutAfterThatActivity()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
        _time.Advance(Idle);

        Assert.Equal(HttpStatusCode.Unauthorized, await client.MeStatusAsync());
    }

    [Fact]
    public async Task Activity_AtTouchInterval_RecordsLastSeen()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var t0 = _time.GetUtcNow();

        _time.Advance(TimeSpan.FromMinutes(1));
        var session = await SessionAsync(client);

        Assert.Equal(t0 + TimeSpan.FromMinutes(1), session.LastSeenAt);
        Assert.Equal(t0 + TimeSpan.FromMinutes(1) + Idle, session.IdleExpiresAt);
    }

    [Fact]
    public async Task Activity_WithinTouchInterval_DoesNotRewriteLastSeen()
    {
        // lastSeenAt is written at most once per touch interval (1 minute), not on every request.
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var t0 = _time.GetUtcNow();

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
        var session = await SessionAsync(client);

        Assert.Equal(t0, session.LastSeenAt);
        Assert.Equal(t0 + Idle, session.IdleExpiresAt);
    }

    [Fact]
    public async Task Activity_WithSubMillisecondClock_ReportsTimesTruncatedToMilliseconds()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var t0 = _time.GetUtcNow();

        _time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromTicks(1_234_567));
        var session = await SessionAsync(client);

        var expected = t0 + TimeSpan.FromMinutes(2) + TimeSpan.FromMilliseconds(123);
        Assert.Equal(expected, session.LastSeenAt);
        Assert.Equal(expected + Idle, session.IdleExpiresAt);
    }

    [Fact]
    public async Task Session_WithContinuousActivity_WorksOneSecondBeforeAbsoluteTimeout()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var t0 = _time.GetUtcNow();

        await KeepActiveUntilAsync(client, t0 + Absolute - OneSecond);

        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
        var session = await SessionAsync(client);
        Assert.Equal(t0 + Absolute, session.AbsoluteExpiresAt);
        Assert.Equal(t0 + Absolute, session.IdleExpiresAt);
    }

    [Fact]
    public async Task Session_WithContinuousActivity_EndsAtAbsoluteTimeout()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var t0 = _time.GetUtcNow();
        await KeepActiveUntilAsync(client, t0 + Absolute - OneSecond);
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());

        _time.Advance(OneSecond);

        using var response = await client.GetAsync("api/me");
        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task ListSessions_AfterOneSessionIdledOut_OmitsIt()
    {
        var email = TestData.NewEmail();
        using var idle = _server.CreateClient();
        await idle.SignUpAndLoginAsync(email);
        var idleId = await idle.CurrentSessionIdAsync();
        _time.Advance(TimeSpan.FromMinutes(5));
        using var active = await _server.LoginAsNewClientAsync(email);

        _time.Advance(TimeSpan.FromMinutes(5));
        var ids = await active.SessionIdsAsync();

        Assert.Equal([await active.CurrentSessionIdAsync()], ids);
        Assert.DoesNotContain(idleId, ids);
    }

    [Fact]
    public async Task Logout_AfterIdleTimeout_Returns401()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        _time.Advance(Idle);

        using var response = await client.DeleteAsync("api/session");
        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    private async Task KeepActiveUntilAsync(LatchkeyTestClient client, DateTimeOffset until)
    {
        var step = TimeSpan.FromMinutes(5);
        while (_time.GetUtcNow() + step < until)
        {
            _time.Advance(step);
            Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
        }

        _time.SetUtcNow(until);
    }

    private static async Task<SessionTimes> SessionAsync(LatchkeyTestClient client)
    {
        using var response = await client.GetAsync("api/session");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = (await response.ReadJsonObjectAsync())["session"]!;
        return new SessionTimes(
            session["createdAt"]!.GetValue<DateTimeOffset>(),
            session["lastSeenAt"]!.GetValue<DateTimeOffset>(),
            session["idleExpiresAt"]!.GetValue<DateTimeOffset>(),
            session["absoluteExpiresAt"]!.GetValue<DateTimeOffset>());
    }

    private sealed record SessionTimes(DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, DateTimeOffset IdleExpiresAt, DateTimeOffset AbsoluteExpiresAt);

    /// <summary>A shared server on a fake clock with a 10-minute idle and a 1-hour absolute timeout.</summary>
    public sealed class ShortTimeoutServerFixture : FakeClockServerFixture
    {
        /// <inheritdoc />
        protected override void Configure(TestServerOptions options)
        {
            base.Configure(options);
            options.Settings["Latchkey:Sessions:IdleTimeout"] = "00:10:00";
            options.Settings["Latchkey:Sessions:AbsoluteTimeout"] = "01:00:00";

            // Keep background pruning out of the way (once a day of fake time; this class advances the clock a
            // few hours in all), so that each boundary is judged by the request itself.
            options.Settings["Latchkey:Sessions:PruneInterval"] = "1.00:00:00";
        }
    }
}
