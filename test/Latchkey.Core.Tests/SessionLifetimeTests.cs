using Latchkey.Accounts;
using Latchkey.Security;
using Latchkey.Sessions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Core.Tests;

public sealed class SessionLifetimeTests : IAsyncLifetime
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan Absolute = TimeSpan.FromHours(24);
    private static readonly TimeSpan Touch = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly SessionOptions _sessionOptions = new() { IdleTimeout = Idle, AbsoluteTimeout = Absolute, TouchInterval = Touch };
    private SqliteFixture _db = null!;
    private SessionManager _sessions = null!;
    private string _userId = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteFixture.CreateAsync();
        _sessions = new SessionManager(
            _db.Sessions,
            new SessionCache(Microsoft.Extensions.Options.Options.Create(_sessionOptions)),
            _db.Revocation(_time),
            _time,
            Microsoft.Extensions.Options.Options.Create(_sessionOptions),
            new Latchkey.Diagnostics.SecurityAudit(NullLoggerFactory.Instance),
            NullLogger<SessionManager>.Instance);
        _userId = Guid.NewGuid().ToString();
        var now = _time.GetUtcNow();
        await _db.Accounts.TryCreateAsync(new Account(_userId, "a@example.com", "A@EXAMPLE.COM", "$argon2id$x", now, now), CancellationToken.None);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Create_GivesRandom256BitIdAndStoresOnlyItsHash()
    {
        var created = await _sessions.CreateAsync(_userId, new RequestOrigin(System.Net.IPAddress.Loopback, "agent"), CancellationToken.None);

        Assert.Equal(SessionManager.IdLength, created.RawId.Length);
        Assert.Equal(SecretHash.Compute(created.RawId), created.Session.IdHash);
        var stored = await _db.Sessions.FindAsync(created.Session.IdHash, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(created.Session.PublicId, stored.PublicId);
        Assert.NotEqual(created.RawId, stored.PublicId);
        Assert.Equal(CsrfTokens.For(created.RawId), created.CsrfToken);
        var other = await _sessions.CreateAsync(_userId, new RequestOrigin(System.Net.IPAddress.Loopback, "agent"), CancellationToken.None);
        Assert.NotEqual(created.RawId, other.RawId);
    }

    [Fact]
    public async Task Validate_OneSecondBeforeIdleTimeout_IsLive_AtIdleTimeout_IsEnded()
    {
        var created = await _sessions.CreateAsync(_userId, RequestOrigin.None, CancellationToken.None);

        _time.Advance(Idle - OneSecond);
        Assert.NotNull(await _sessions.ValidateAsync(created.RawId, true, CancellationToken.None));

        // That request touched the session: the idle timeout now counts from it.
        _time.Advance(Idle - OneSecond);
        Assert.NotNull(await _sessions.ValidateAsync(created.RawId, true, CancellationToken.None));

        _time.Advance(Idle);
        Assert.Null(await _sessions.ValidateAsync(created.RawId, true, CancellationToken.None));
        Assert.Null(await _db.Sessions.FindAsync(created.Session.IdHash, CancellationToken.None));
    }

    [Fact]
    public async Task Validate_WithoutActivity_EndsExactlyAtIdleTimeout()
    {
        var created = await _sessions.CreateAsync(_userId, RequestOrigin.None, CancellationToken.None);

        _time.Advance(Idle);

        Assert.Null(await _sessions.ValidateAsync(created.RawId, true, CancellationToken.None));
    }

    [Fact]
    public async Task Validate_WithContinuousActivity_EndsAtAbsoluteTimeout()
    {
        var created = await _sessions.CreateAsync(_userId, RequestOrigin.None, CancellationToken.None);
        var end = created.Session.CreatedAt + Absolute;

        while (_time.GetUtcNow() < end - TimeSpan.FromMinutes(10))
        {
            _time.Advance(TimeSpan.FromMinutes(10));
            Assert.NotNull(await _sessions.ValidateAsync(created.RawId, true, CancellationToken.None));
        }

        _time.SetUtcNow(end - OneSecond);
        var last = await _sessions.ValidateAsync(created.RawId, true, CancellationToken.None);
        Assert.NotNull(last);
        Assert.Equal(end, last.AbsoluteExpiresAt);
        Assert.True(last.IdleExpiresAt <= end);

        _time.SetUtcNow(end);
        Assert.Null(await _sessions.ValidateAsync(created.RawId, true, CancellationToken.None));
    }

    [Fact]
    public async Task Validate_WithinTouchInterval_DoesNotWrite_AfterIt_Writes()
    {
        var created = await _sessions.CreateAsync(_userId, RequestOrigin.None, CancellationToken.None);
        var createdAt = created.Session.LastSeenAt;

        _time.Advance(Touch - OneSecond);
        await _sessions.ValidateAsync(created.RawId, true, CancellationToken.None);
        var stored = await _db.Sessions.FindAsync(created.Session.IdHash, CancellationToken.None);
        Assert.Equal(createdAt, stored!.LastSeenAt);

        _time.Advance(OneSecond);
        await _sessions.ValidateAsync(created.RawId, true, CancellationToken.None);
        stored = await _db.Sessions.FindAsync(created.Session.IdHash, CancellationToken.None);
        Assert.Equal(createdAt + Touch, stored!.LastSeenAt);
        Assert.Equal(createdAt + Touch + Idle, stored.IdleExpiresAt);
    }

    public static TheoryData<string?> MalformedIds => new()
    {
        null,
        string.Empty,
        "short",
        new string('A', 42),
        new string('A', 44),
        new string('A', 42) + "=",
        new string('A', 42) + "/",
        new string('A', 42) + "\u00e9",
    };

    [Theory]
    [MemberData(nameof(MalformedIds))]
    public async Task Validate_MalformedId_IsRefusedWithoutLookup(string? rawId) =>
        Assert.Null(await _sessions.ValidateAsync(rawId, true, CancellationToken.None));

    [Fact]
    public async Task EndAllForUser_KeepsOnlyTheGivenSession()
    {
        var keep = await _sessions.CreateAsync(_userId, RequestOrigin.None, CancellationToken.None);
        var other = await _sessions.CreateAsync(_userId, RequestOrigin.None, CancellationToken.None);

        var ended = await _sessions.EndAllForUserAsync(_userId, keep.Session, RequestOrigin.None, CancellationToken.None);

        Assert.Equal(1, ended);
        Assert.NotNull(await _sessions.ValidateAsync(keep.RawId, true, CancellationToken.None));
        Assert.Null(await _sessions.ValidateAsync(other.RawId, true, CancellationToken.None));
    }

    [Fact]
    public async Task Prune_DeletesOnlyExpiredSessions()
    {
        var old = await _sessions.CreateAsync(_userId, RequestOrigin.None, CancellationToken.None);
        _time.Advance(Idle - TimeSpan.FromMinutes(5));
        var fresh = await _sessions.CreateAsync(_userId, RequestOrigin.None, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(1, await _sessions.PruneAsync(CancellationToken.None));
        Assert.Null(await _db.Sessions.FindAsync(old.Session.IdHash, CancellationToken.None));
        Assert.NotNull(await _db.Sessions.FindAsync(fresh.Session.IdHash, CancellationToken.None));
    }
}
