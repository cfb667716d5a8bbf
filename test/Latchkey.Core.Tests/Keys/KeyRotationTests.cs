using System.Security.Cryptography;
using Latchkey.AccessTokens;
using Latchkey.Grants;
using Latchkey.Keys;
using Latchkey.Security;
using Latchkey.Stores.Sqlite;
using Latchkey.Tokens;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Core.Tests;

/// <summary>
/// <see cref="KeyRingManager"/> over the real SQLite store on a fake clock: the first key, publishing a
/// successor ahead of its use, keeping the previous key exactly as long as its tokens live, scheduled
/// rotation, several nodes on one database, reloads, and encryption of private keys at rest.
/// </summary>
public sealed class KeyRotationTests : IAsyncLifetime
{
    private const string Issuer = "https://login.example.test";
    private static readonly DateTimeOffset Start = new(2030, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);
    private static readonly KeyOptions Keys = new();
    private static readonly TokenOptions Tokens = new();
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly List<IDisposable> _disposables = [];
    private SqliteFixture _db = null!;

    public static TheoryData<string> Algorithms
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var algorithm in SigningAlgorithms.All)
            {
                data.Add(algorithm);
            }

            return data;
        }
    }

    public async Task InitializeAsync() => _db = await SqliteFixture.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        await _db.DisposeAsync();
    }

    [Fact]
    public async Task FirstRefresh_OnEmptyStore_CreatesOneKeyActiveAtOnce()
    {
        var node = NewNode();

        await node.Manager.RefreshAsync(CancellationToken.None);

        var stored = Assert.Single(await node.Store.ListAsync(CancellationToken.None));
        Assert.Equal(1, stored.Sequence);
        Assert.Equal(SigningAlgorithms.ES256, stored.Algorithm);
        Assert.Equal(Start, stored.ActivatesAt);
        var ringKey = Assert.Single(node.Ring.Keys);
        Assert.Equal(stored.Kid, ringKey.Kid);
        Assert.Equal(stored.Kid, node.SigningKid());
    }

    [Fact]
    public async Task IdTokenAlgorithmOfAClient_GetsItsOwnChain_RotatedAndRetiredBesideTheMainOne()
    {
        var options = Options.Create(new LatchkeyOptions());
        options.Value.Clients.Add(new Latchkey.Clients.ClientOptions { ClientId = "rp", RedirectUris = { "https://rp.example/cb" }, Scopes = "openid" });
        var clients = new Latchkey.Clients.ClientRegistry(options, new Latchkey.Diagnostics.SecurityAudit(NullLoggerFactory.Instance));
        var node = NewNode(clients: clients);

        await node.Manager.RefreshAsync(CancellationToken.None);

        var keys = await node.Store.ListAsync(CancellationToken.None);
        Assert.Equal([SigningAlgorithms.ES256, SigningAlgorithms.RS256], keys.Select(k => k.Algorithm));
        var band = SigningKeyRing.ChainSize * SigningKeyRing.BandOf(SigningAlgorithms.RS256);
        Assert.Equal([1L, band + 1], keys.Select(k => k.Sequence));
        Assert.Equal(SigningAlgorithms.ES256, node.Ring.GetSigningKey(_time.GetUtcNow()).Material.Algorithm);
        Assert.Equal(keys[1].Kid, node.Ring.GetSigningKey(_time.GetUtcNow(), SigningAlgorithms.RS256)!.Kid);
        Assert.Equal(keys[0].Kid, node.Ring.GetSigningKey(_time.GetUtcNow(), SigningAlgorithms.ES256)!.Kid);
        Assert.Null(node.Ring.GetSigningKey(_time.GetUtcNow(), SigningAlgorithms.PS256));

        // Both chains rotate on schedule, and each retires its own old key only.
        _time.Advance(Keys.RotationInterval + Tokens.AccessTokenLifetime + Tokens.ClockSkew + TimeSpan.FromMinutes(2));
        await node.Manager.RefreshAsync(CancellationToken.None);
        _time.Advance(Keys.PublishAhead + Tokens.AccessTokenLifetime + Tokens.ClockSkew + TimeSpan.FromMinutes(2));
        await node.Manager.RefreshAsync(CancellationToken.None);

        Assert.Equal([2L, band + 2], (await node.Store.ListAsync(CancellationToken.None)).Select(k => k.Sequence));
        Assert.Equal(band + 2, node.Ring.GetSigningKey(_time.GetUtcNow(), SigningAlgorithms.RS256)!.Sequence);
        Assert.Equal(2, node.Ring.GetSigningKey(_time.GetUtcNow()).Sequence);
    }

    [Fact]
    public async Task Refresh_Again_AddsNothing()
    {
        var node = NewNode();
        await node.Manager.RefreshAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(1));

        await node.Manager.RefreshAsync(CancellationToken.None);

        Assert.Single(await node.Store.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RotateNow_PublishesSuccessorAtOnce_ButItSignsOnlyAfterPublishAhead()
    {
        var node = NewNode();
        await node.Manager.RefreshAsync(CancellationToken.None);
        var first = node.SigningKid();
        _time.Advance(TimeSpan.FromDays(2));
        var rotatedAt = _time.GetUtcNow();

        await node.Manager.RotateNowAsync(CancellationToken.None);

        Assert.Equal(2, node.Ring.Keys.Count);
        var second = node.Ring.Keys[1];
        Assert.Equal(2, second.Sequence);
        Assert.Equal(rotatedAt + Keys.PublishAhead, second.ActivatesAt);
        Assert.Equal(first, node.SigningKid());

        _time.SetUtcNow(rotatedAt + Keys.PublishAhead - OneSecond);
        Assert.Equal(first, node.SigningKid());

        _time.SetUtcNow(rotatedAt + Keys.PublishAhead);
        Assert.Equal(second.Kid, node.SigningKid());
    }

    [Fact]
    public async Task RotateNow_WhileSuccessorPending_AddsNoSecondSuccessor()
    {
        var node = NewNode();
        await node.Manager.RefreshAsync(CancellationToken.None);
        await node.Manager.RotateNowAsync(CancellationToken.None);
        _time.Advance(Keys.PublishAhead - OneSecond);

        await node.Manager.RotateNowAsync(CancellationToken.None);

        Assert.Equal([1L, 2L], (await node.Store.ListAsync(CancellationToken.None)).Select(k => k.Sequence));
    }

    [Fact]
    public async Task TokenOfPreviousKey_KeepsValidatingUntilItExpires()
    {
        var node = NewNode();
        await node.Manager.RefreshAsync(CancellationToken.None);
        await node.Manager.RotateNowAsync(CancellationToken.None);
        var activation = node.Ring.Keys[1].ActivatesAt;

        // The last token the previous key signs.
        _time.SetUtcNow(activation - OneSecond);
        var token = node.Issue();
        Assert.Equal(node.Ring.Keys[0].Kid, Kid(token));
        var expiresAt = activation - OneSecond + Tokens.AccessTokenLifetime;

        _time.SetUtcNow(expiresAt + Tokens.ClockSkew - OneSecond);
        await node.Manager.RefreshAsync(CancellationToken.None);
        Assert.Equal(TokenValidationError.None, node.Validate(token));

        _time.SetUtcNow(expiresAt + Tokens.ClockSkew);
        await node.Manager.RefreshAsync(CancellationToken.None);
        Assert.Equal(TokenValidationError.Expired, node.Validate(token));
    }

    [Fact]
    public async Task PreviousKey_IsDroppedOnlyAfterSuccessorSignedForLifetimePlusSkew()
    {
        var node = NewNode();
        await node.Manager.RefreshAsync(CancellationToken.None);
        var first = node.SigningKid();
        await node.Manager.RotateNowAsync(CancellationToken.None);
        var second = node.Ring.Keys[1];
        var retirement = second.ActivatesAt + Tokens.AccessTokenLifetime + Tokens.ClockSkew;

        _time.SetUtcNow(retirement);
        await node.Manager.RefreshAsync(CancellationToken.None);
        Assert.Equal([first, second.Kid], node.Ring.Keys.Select(k => k.Kid));

        _time.SetUtcNow(retirement + OneSecond);
        await node.Manager.RefreshAsync(CancellationToken.None);
        Assert.Equal([second.Kid], node.Ring.Keys.Select(k => k.Kid));
        Assert.Equal([second.Kid], (await node.Store.ListAsync(CancellationToken.None)).Select(k => k.Kid));
        Assert.False(node.Ring.TryGetKey(first, out _));
    }

    [Fact]
    public async Task TokenOfDroppedKey_IsRefusedAsUnknownKey()
    {
        var node = NewNode();
        await node.Manager.RefreshAsync(CancellationToken.None);
        var token = node.Issue();
        await node.Manager.RotateNowAsync(CancellationToken.None);
        _time.SetUtcNow(node.Ring.Keys[1].ActivatesAt + Tokens.AccessTokenLifetime + Tokens.ClockSkew + OneSecond);

        await node.Manager.RefreshAsync(CancellationToken.None);

        Assert.Equal(TokenValidationError.UnknownKey, node.Validate(token));
    }

    [Fact]
    public async Task Refresh_WhenRotationIntervalMinusPublishAheadHasElapsed_SchedulesSuccessorForIntervalEnd()
    {
        var node = NewNode();
        await node.Manager.RefreshAsync(CancellationToken.None);
        var first = node.SigningKid();

        _time.SetUtcNow(Start + Keys.RotationInterval - Keys.PublishAhead - OneSecond);
        await node.Manager.RefreshAsync(CancellationToken.None);
        Assert.Single(node.Ring.Keys);

        _time.SetUtcNow(Start + Keys.RotationInterval - Keys.PublishAhead);
        await node.Manager.RefreshAsync(CancellationToken.None);
        Assert.Equal(2, node.Ring.Keys.Count);
        Assert.Equal(Start + Keys.RotationInterval, node.Ring.Keys[1].ActivatesAt);
        Assert.Equal(first, node.SigningKid());

        _time.SetUtcNow(Start + Keys.RotationInterval);
        Assert.Equal(node.Ring.Keys[1].Kid, node.SigningKid());
    }

    [Fact]
    public async Task Refresh_LongAfterRotationWasDue_StillPublishesSuccessorAheadOfUse()
    {
        // A node that was down when the rotation was due must not start signing with a key nobody has seen.
        var node = NewNode();
        await node.Manager.RefreshAsync(CancellationToken.None);
        _time.SetUtcNow(Start + Keys.RotationInterval + TimeSpan.FromDays(3));
        var now = _time.GetUtcNow();

        await node.Manager.RefreshAsync(CancellationToken.None);

        Assert.Equal(now + Keys.PublishAhead, node.Ring.Keys[1].ActivatesAt);
        Assert.Equal(node.Ring.Keys[0].Kid, node.SigningKid());
    }

    [Fact]
    public async Task TwoNodes_StartingTogether_CreateOneKeyAndAgreeOnIt()
    {
        var a = NewNode();
        var b = NewNode(await OpenSecondDatabaseAsync());

        await Task.WhenAll(Task.Run(() => a.Manager.RefreshAsync(CancellationToken.None)), Task.Run(() => b.Manager.RefreshAsync(CancellationToken.None)));

        Assert.Single(await a.Store.ListAsync(CancellationToken.None));
        Assert.Equal(a.SigningKid(), b.SigningKid());
        Assert.Equal(a.Ring.Keys.Select(k => k.Kid), b.Ring.Keys.Select(k => k.Kid));
    }

    [Fact]
    public async Task TwoNodes_RotatingTogether_AddOneKeyPerRotationWithUniqueSequences()
    {
        var a = NewNode();
        var b = NewNode(await OpenSecondDatabaseAsync());
        await a.Manager.RefreshAsync(CancellationToken.None);
        await b.Manager.RefreshAsync(CancellationToken.None);

        for (var round = 0; round < 4; round++)
        {
            // Alternate between scheduled rotation and rotation on demand, both nodes at once.
            var scheduled = round % 2 == 0;
            _time.Advance(scheduled ? Keys.RotationInterval : Keys.PublishAhead + OneSecond);
            await Task.WhenAll(
                Task.Run(() => scheduled ? a.Manager.RefreshAsync(CancellationToken.None) : a.Manager.RotateNowAsync(CancellationToken.None)),
                Task.Run(() => scheduled ? b.Manager.RefreshAsync(CancellationToken.None) : b.Manager.RotateNowAsync(CancellationToken.None)));
            await a.Manager.RefreshAsync(CancellationToken.None);
            await b.Manager.RefreshAsync(CancellationToken.None);

            var stored = await a.Store.ListAsync(CancellationToken.None);
            Assert.Equal(stored.Count, stored.Select(k => k.Sequence).Distinct().Count());
            Assert.Equal(stored.Count, stored.Select(k => k.Kid).Distinct().Count());
            Assert.Equal(round + 2, stored[^1].Sequence);
            Assert.Equal(a.Ring.Keys.Select(k => k.Kid), b.Ring.Keys.Select(k => k.Kid));
            Assert.Equal(a.SigningKid(), b.SigningKid());
        }
    }

    [Fact]
    public async Task TwoNodes_TokenSignedByOne_ValidatesOnTheOther()
    {
        var a = NewNode();
        var b = NewNode(await OpenSecondDatabaseAsync());
        await a.Manager.RefreshAsync(CancellationToken.None);
        await a.Manager.RotateNowAsync(CancellationToken.None);
        await b.Manager.RefreshAsync(CancellationToken.None);
        _time.Advance(Keys.PublishAhead);

        var token = b.Issue();

        Assert.Equal(b.Ring.Keys[1].Kid, Kid(token));
        Assert.Equal(TokenValidationError.None, a.Validate(token));
    }

    [Fact]
    public async Task Reload_NewManagerOnSameDatabase_HasSameKidsAndValidatesEarlierTokens()
    {
        var before = NewNode();
        await before.Manager.RefreshAsync(CancellationToken.None);
        await before.Manager.RotateNowAsync(CancellationToken.None);
        var token = before.Issue();

        var after = NewNode(await OpenSecondDatabaseAsync());
        await after.Manager.RefreshAsync(CancellationToken.None);

        Assert.Equal(before.Ring.Keys.Select(k => (k.Kid, k.Sequence, k.ActivatesAt)), after.Ring.Keys.Select(k => (k.Kid, k.Sequence, k.ActivatesAt)));
        Assert.Equal(TokenValidationError.None, after.Validate(token));
        Assert.Equal(2, (await after.Store.ListAsync(CancellationToken.None)).Count);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task StoredPrivateKey_IsEncryptedNotPlainKeyBytes(string algorithm)
    {
        var node = NewNode(keys: new KeyOptions { Algorithm = algorithm });
        await node.Manager.RefreshAsync(CancellationToken.None);
        var ringKey = Assert.Single(node.Ring.Keys);
        var plain = ringKey.Material.ExportPrivateKey();

        var blob = ReadPrivateKeyColumn(ringKey.Kid);

        Assert.NotEqual(plain, blob);
        Assert.Equal(-1, blob.AsSpan().IndexOf(plain.AsSpan(plain.Length - 16)));
        Assert.ThrowsAny<CryptographicException>(() => ECDsa.Create().ImportPkcs8PrivateKey(blob, out _));
        Assert.ThrowsAny<CryptographicException>(() => RSA.Create().ImportPkcs8PrivateKey(blob, out _));
        Assert.Equal(plain, new KeyProtector(new MasterSecret(Secret)).Unprotect(ringKey.Kid, blob));
    }

    [Fact]
    public async Task StoredPrivateKey_WithAnotherMasterSecret_CannotBeDecrypted()
    {
        var node = NewNode();
        await node.Manager.RefreshAsync(CancellationToken.None);
        var kid = node.SigningKid();
        var blob = ReadPrivateKeyColumn(kid);
        var other = new KeyProtector(new MasterSecret(RandomNumberGenerator.GetBytes(32)));

        Assert.ThrowsAny<CryptographicException>(() => other.Unprotect(kid, blob));
        var stranger = NewNode(await OpenSecondDatabaseAsync(), secret: RandomNumberGenerator.GetBytes(32));
        var error = await Assert.ThrowsAsync<LatchkeyConfigurationException>(() => stranger.Manager.RefreshAsync(CancellationToken.None));
        Assert.Equal("Latchkey:Keys:MasterSecret", error.Key);
        Assert.StartsWith("Latchkey:Keys:MasterSecret cannot decrypt signing key", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<CryptographicException>(error.InnerException);
        Assert.Empty(stranger.Ring.Keys);
    }

    [Fact]
    public async Task StoredPrivateKey_IsBoundToItsKid()
    {
        var node = NewNode();
        await node.Manager.RefreshAsync(CancellationToken.None);
        var kid = node.SigningKid();
        var blob = ReadPrivateKeyColumn(kid);
        var protector = new KeyProtector(new MasterSecret(Secret));

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect("another-kid", blob));
        blob[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(kid, blob));
    }

    private static string Kid(string token) => TestSigningKeys.Segment(token, 0)["kid"]!.GetValue<string>();

    private Node NewNode(SqliteDatabase? database = null, KeyOptions? keys = null, byte[]? secret = null, Latchkey.Clients.IClientRegistry? clients = null)
    {
        var node = new Node(database ?? _db.Database, _time, keys ?? Keys, secret ?? Secret, clients);
        _disposables.Add(node);
        if (database is not null)
        {
            _disposables.Add(database);
        }

        return node;
    }

    // A second handle on the same file, as a second server process would open it.
    private async Task<SqliteDatabase> OpenSecondDatabaseAsync()
    {
        var database = new SqliteDatabase(
            Options.Create(new SqliteStoreOptions()),
            Options.Create(new LatchkeyOptions { DataDirectory = _db.Directory }),
            TimeProvider.System,
            NullLogger<SqliteDatabase>.Instance);
        await database.InitializeAsync(CancellationToken.None);
        return database;
    }

    private byte[] ReadPrivateKeyColumn(string kid)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _db.Database.FilePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT private_key FROM signing_keys WHERE kid = $kid";
        command.Parameters.AddWithValue("$kid", kid);
        return (byte[])command.ExecuteScalar()!;
    }

    /// <summary>One server's view: its own ring and manager over a store.</summary>
    private sealed class Node : IDisposable
    {
        private readonly TimeProvider _time;
        private readonly AccessTokenIssuer _issuer;
        private readonly AccessTokenValidator _validator;

        public Node(SqliteDatabase database, TimeProvider time, KeyOptions keys, byte[] secret, Latchkey.Clients.IClientRegistry? clients = null)
        {
            _time = time;
            Store = new SqliteSigningKeyStore(database);
            Manager = new KeyRingManager(
                Store, Ring, new KeyProtector(new MasterSecret(secret)), time,
                Options.Create(keys), Options.Create(Tokens), new Latchkey.Diagnostics.SecurityAudit(NullLoggerFactory.Instance), NullLogger<KeyRingManager>.Instance, clients);
            _issuer = new AccessTokenIssuer(Ring, time);
            _validator = new AccessTokenValidator(Ring, null, time);
        }

        public SqliteSigningKeyStore Store { get; }

        public SigningKeyRing Ring { get; } = new();

        public KeyRingManager Manager { get; }

        public string SigningKid() => Ring.GetSigningKey(_time.GetUtcNow()).Kid;

        public string Issue() =>
            _issuer.Issue(new AccessTokenClaims("user-1", "latchkey", string.Empty, null, 0), Issuer, Issuer, Tokens.AccessTokenLifetime).Token;

        public TokenValidationError Validate(string token) =>
            _validator.Validate(token, new AccessTokenValidationParameters(Issuer, Issuer, Tokens.ClockSkew)).Error;

        public void Dispose() => Manager.Dispose();
    }
}
