// dotnet run -c Release --project bench/Latchkey.Benchmarks -- --filter '*SessionAuthenticationBenchmarks*'
using System.Net;
using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Latchkey.Diagnostics;
using Latchkey.Revocation;
using Latchkey.Security;
using Latchkey.Sessions;
using Latchkey.Stores.Redis;
using Latchkey.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.Benchmarks;

/// <summary>
/// A session cookie's value turned into a live session by <see cref="SessionManager"/>, the way every
/// cookie-authenticated request starts: from the in-memory tier, from SQLite (in-memory tier off) and from
/// Redis (in-memory tier off, one round trip to a local redis-server); against ASP.NET Core's cookie
/// authentication, which decrypts a Data Protection ticket holding the same claims.
/// </summary>
[MemoryDiagnoser]
public class SessionAuthenticationBenchmarks
{
    private BenchmarkServer _server = null!;
    private RedisServer _redisServer = null!;
    private RedisConnection _redis = null!;
    private SessionManager _cached = null!;
    private SessionManager _sqlite = null!;
    private SessionManager _redisSessions = null!;
    private string _sqliteCookie = null!;
    private string _redisCookie = null!;
    private TicketDataFormat _ticketFormat = null!;
    private string _ticketCookie = null!;

    private static readonly RequestOrigin Origin = new(IPAddress.Loopback, "bench");

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await BenchmarkServer.StartAsync();
        var userId = _server.Account.Id;
        _cached = _server.Get<SessionManager>();
        var created = await _cached.CreateAsync(userId, Origin, CancellationToken.None);
        _sqliteCookie = created.RawId;
        _sqlite = Uncached(_server.Get<ISessionStore>());

        _redisServer = await RedisServer.StartAsync();
        _redis = new RedisConnection(_redisServer.ConnectionString, _server.Get<ILogger<RedisConnection>>());
        _redisSessions = Uncached(new RedisSessionStore(_redis, TimeProvider.System));
        _redisCookie = (await _redisSessions.CreateAsync(userId, Origin, CancellationToken.None)).RawId;

        // The stock cookie handler's protector purposes and ticket format, with the claims Latchkey's session handler sets.
        var protector = new EphemeralDataProtectionProvider().CreateProtector(
            "Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware", CookieAuthenticationDefaults.AuthenticationScheme, "v2");
        _ticketFormat = new TicketDataFormat(protector);
        var identity = new ClaimsIdentity(
            [new Claim("sub", userId), new Claim("sid", created.Session.PublicId), new Claim("latchkey:auth_method", "session")],
            CookieAuthenticationDefaults.AuthenticationScheme);
        var now = TimeProvider.System.GetUtcNow();
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now.AddMinutes(30) };
        _ticketCookie = _ticketFormat.Protect(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, CookieAuthenticationDefaults.AuthenticationScheme));

        foreach (var (manager, cookie) in new[] { (_cached, _sqliteCookie), (_sqlite, _sqliteCookie), (_redisSessions, _redisCookie) })
        {
            _ = await manager.ValidateAsync(cookie, recordActivity: true, CancellationToken.None)
                ?? throw new InvalidOperationException("A benchmark session does not validate.");
        }

        _ = _ticketFormat.Unprotect(_ticketCookie) ?? throw new InvalidOperationException("The cookie ticket does not unprotect.");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _redis.DisposeAsync();
        await _redisServer.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public AuthenticationTicket? CookieTicketUnprotect() => _ticketFormat.Unprotect(_ticketCookie);

    [Benchmark]
    public ValueTask<Session?> LatchkeyInMemoryHit() => _cached.ValidateAsync(_sqliteCookie, recordActivity: true, CancellationToken.None);

    [Benchmark]
    public ValueTask<Session?> LatchkeySqlite() => _sqlite.ValidateAsync(_sqliteCookie, recordActivity: true, CancellationToken.None);

    [Benchmark]
    public ValueTask<Session?> LatchkeyRedis() => _redisSessions.ValidateAsync(_redisCookie, recordActivity: true, CancellationToken.None);

    // A manager over the store with the in-memory tier off, so that every lookup reaches the store.
    private SessionManager Uncached(ISessionStore store)
    {
        var options = Options.Create(new SessionOptions { CacheMaxAge = TimeSpan.Zero });
        return new SessionManager(
            store, new SessionCache(options), _server.Get<RevocationService>(), TimeProvider.System, options, _server.Get<SecurityAudit>(), _server.Get<ILogger<SessionManager>>());
    }
}
