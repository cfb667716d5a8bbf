using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using Latchkey.Security;
using Latchkey.Sessions;
using Latchkey.Stores.Redis;
using Latchkey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Latchkey.Stores.Tests;

/// <summary>
/// The session record in Redis round-trips every field exactly, in its compact form and in the plain
/// form it falls back to, and records written in version 1 still load.
/// </summary>
public sealed class RedisSessionRecordTests(RedisSessionRecordTests.RedisFixture redis) : IClassFixture<RedisSessionRecordTests.RedisFixture>
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    public static TheoryData<string, string, string?, string?, int> Cases => new()
    {
        { "GuidUserIpv4", Guid.CreateVersion7(Now).ToString(), "127.0.0.1", "Mozilla/5.0 (X11; Linux x86_64)", 3 },
        { "TextUserIpv6", "svc:not-a-guid", "2001:db8::1", "curl/8.5.0", 3 },
        { "UpperCaseGuidKeptAsText", Guid.NewGuid().ToString().ToUpperInvariant(), "::1", null, 3 },
        { "MappedAddress", Guid.NewGuid().ToString(), "::ffff:10.0.0.1", "agent", 3 },
        { "ScopedAddressKeptAsText", Guid.NewGuid().ToString(), "fe80::1%2", "agent", 3 },
        { "AddressThatIsNotOne", Guid.NewGuid().ToString(), "unknown", "agent", 3 },
        { "NoAddressUnicodeAgent", Guid.NewGuid().ToString(), null, "Navigateur ü 日本 🙂", 3 },
        { "LastSeenBeforeCreationFallsBackToPlain", Guid.NewGuid().ToString(), "127.0.0.1", "agent", -1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Session_RoundTripsThroughRedis(string name, string userId, string? ip, string? agent, int lastSeenMinutesAfterCreation)
    {
        Assert.NotEmpty(name);
        var seen = Now.AddMinutes(lastSeenMinutesAfterCreation);
        var session = new Session(
            SecretHash.Compute(RandomTokens.Create(32)), RandomTokens.Create(16), userId, Now, seen,
            seen.AddMinutes(30), Now.AddHours(24), agent, ip);

        await redis.Store.CreateAsync(session, default);
        var found = await redis.Store.FindAsync(session.IdHash, default);

        Assert.NotNull(found);
        Assert.Equal(session, found with { IdHash = session.IdHash });
    }

    [Theory]
    [InlineData(AuthenticationMethods.Password | AuthenticationMethods.Otp, 3)]
    [InlineData(AuthenticationMethods.Passkey, 3)]
    [InlineData(AuthenticationMethods.Password | AuthenticationMethods.RecoveryCode, -1)]
    public async Task AuthenticationMethods_RoundTripInBothLayouts(AuthenticationMethods methods, int lastSeenMinutesAfterCreation)
    {
        var seen = Now.AddMinutes(lastSeenMinutesAfterCreation);
        var session = new Session(
            SecretHash.Compute(RandomTokens.Create(32)), RandomTokens.Create(16), Guid.NewGuid().ToString(), Now, seen,
            seen.AddMinutes(30), Now.AddHours(24), "agent", "127.0.0.1", methods);

        await redis.Store.CreateAsync(session, default);
        await redis.Store.TouchAsync(session.IdHash, seen.AddMinutes(1), seen.AddMinutes(31), default);
        var found = await redis.Store.FindAsync(session.IdHash, default);

        Assert.Equal(methods, found!.Methods);
        Assert.Equal(seen.AddMinutes(1), found.LastSeenAt);
    }

    [Fact]
    public async Task VersionOneRecord_StillLoads()
    {
        var idHash = SecretHash.Compute(RandomTokens.Create(32));
        var publicId = RandomTokens.Create(16);
        var userId = Guid.NewGuid().ToString();
        var record = new List<byte> { 1 };
        record.AddRange(Base64Url.DecodeFromChars(publicId));
        foreach (var time in new[] { Now, Now.AddMinutes(1), Now.AddMinutes(31), Now.AddHours(24) })
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, time.ToUnixTimeMilliseconds());
            record.AddRange(bytes);
        }

        record.Add((byte)userId.Length);
        record.AddRange(Encoding.UTF8.GetBytes(userId));
        record.Add(9);
        record.AddRange("127.0.0.1"u8.ToArray());
        record.AddRange(new byte[] { 5, 0 });
        record.AddRange("agent"u8.ToArray());
        await redis.Connection.Database.StringSetAsync((RedisKey)(byte[])[.. "lk:s:"u8, .. idHash], record.ToArray(), TimeSpan.FromMinutes(5));

        var found = await redis.Store.FindAsync(idHash, default);

        Assert.Equal(
            new Session(idHash, publicId, userId, Now, Now.AddMinutes(1), Now.AddMinutes(31), Now.AddHours(24), "agent", "127.0.0.1"),
            found! with { IdHash = idHash });
    }

    /// <summary>A Redis server and a session store on it, whose clock stands at <see cref="Now"/>.</summary>
    public sealed class RedisFixture : IAsyncLifetime
    {
        private RedisServer? _server;

        public RedisConnection Connection { get; private set; } = null!;

        public RedisSessionStore Store { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _server = await RedisServer.StartAsync();
            Connection = new RedisConnection(_server.ConnectionString, NullLogger<RedisConnection>.Instance);
            Store = new RedisSessionStore(Connection, new FakeTimeProvider(Now));
        }

        public async Task DisposeAsync()
        {
            if (Connection is not null)
            {
                await Connection.DisposeAsync();
            }

            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }
}
