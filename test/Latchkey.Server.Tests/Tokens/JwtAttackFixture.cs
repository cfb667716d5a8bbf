using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>
/// The server under attack and the genuine material the attacks start from. Three servers share one data
/// directory, one after the other, so they sign with the same key: one with another <c>Latchkey:Issuer</c>
/// and one with another audience each mint a token first (validly signed, wrong <c>iss</c> or <c>aud</c>),
/// then the target server starts and mints the genuine token. The target's clock is a
/// <see cref="FakeTimeProvider"/> that tests may set and must put back to <see cref="Start"/>.
/// </summary>
public sealed partial class JwtAttackFixture : IAsyncLifetime
{
    /// <summary>The issuer of the server under attack.</summary>
    public const string Issuer = "http://issuer-a.latchkey.test";

    /// <summary>The issuer of the second server, whose tokens the target must refuse.</summary>
    public const string OtherIssuer = "http://issuer-b.latchkey.test";

    /// <summary>The audience of the third server, whose tokens the target must refuse.</summary>
    public const string OtherAudience = "urn:latchkey:another-api";

    /// <summary>The instant every server's clock starts at (whole seconds).</summary>
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly string _dataDirectory = LatchkeyTestServer.NewDataDirectory();
    private readonly ConcurrentQueue<string> _failures = new();

    /// <summary>The target's clock.</summary>
    public FakeTimeProvider Time { get; } = new(Start);

    /// <summary>
    /// A listening socket on 127.0.0.1 that nothing should ever connect to: <c>jku</c> and <c>x5u</c>
    /// headers point at it, and a pending connection means the server fetched a key a token named.
    /// </summary>
    public TcpListener Trap { get; } = new(IPAddress.Loopback, 0);

    /// <summary>The server under attack.</summary>
    public LatchkeyTestServer Server { get; private set; } = null!;

    /// <summary>The genuine token and everything public an attacker knows.</summary>
    public AttackContext Context { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Trap.Start();
        var email = TestData.NewEmail();

        string wrongIssuer;
        await using (var other = await StartAsync(new FakeTimeProvider(Start), ("Latchkey:Issuer", OtherIssuer)))
        {
            using var client = other.CreateClient();
            await client.RegisterAsync(email);
            wrongIssuer = (await client.PasswordGrantJsonAsync(email))["access_token"]!.GetValue<string>();
        }

        string wrongAudience;
        await using (var other = await StartAsync(new FakeTimeProvider(Start), ("Latchkey:Issuer", Issuer), ("Latchkey:Tokens:Audience", OtherAudience)))
        {
            using var client = other.CreateClient();
            wrongAudience = (await client.PasswordGrantJsonAsync(email))["access_token"]!.GetValue<string>();
        }

        Server = await StartAsync(Time, ("Latchkey:Issuer", Issuer));
        using var http = Server.CreateClient();
        var grant = await http.PasswordGrantJsonAsync(email);
        var token = grant["access_token"]!.GetValue<string>();
        using var me = await http.Http.GetWithBearerAsync("api/me", token);
        var userId = (await me.ReadJsonObjectAsync())["id"]!.GetValue<string>();

        var kid = CompactJws.Header(token)["kid"]!.GetValue<string>();
        using var jwksResponse = await http.Http.GetAsync(".well-known/jwks.json");
        using var jwks = JsonDocument.Parse(await jwksResponse.Content.ReadAsStringAsync());
        var jwk = jwks.RootElement.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == kid);
        var payload = CompactJws.Payload(token);

        Context = new AttackContext(
            token,
            userId,
            kid,
            jwk.GetRawText(),
            CompactJws.Decode(jwk.GetProperty("x").GetString()!),
            CompactJws.Decode(jwk.GetProperty("y").GetString()!),
            wrongIssuer,
            wrongAudience,
            new Uri($"http://127.0.0.1:{((IPEndPoint)Trap.LocalEndpoint).Port}/jwks.json"),
            DateTimeOffset.FromUnixTimeSeconds(payload["iat"]!.GetValue<long>()),
            DateTimeOffset.FromUnixTimeSeconds(payload["exp"]!.GetValue<long>()),
            TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        Trap.Stop();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    /// <summary>Forgets the refusal reasons logged so far.</summary>
    public void ClearRefusals() => _failures.Clear();

    /// <summary>
    /// The reasons the bearer handler gave for refusing tokens since <see cref="ClearRefusals"/> (the
    /// <see cref="Latchkey.Tokens.TokenValidationError"/> names, read from ASP.NET Core's
    /// "was not authenticated. Failure message: ..." log line).
    /// </summary>
    public IReadOnlyList<string> Refusals() => [.. _failures];

    private Task<LatchkeyTestServer> StartAsync(TimeProvider time, params (string Key, string Value)[] settings)
    {
        var options = new TestServerOptions { DataDirectory = _dataDirectory, Time = time };
        foreach (var (key, value) in settings)
        {
            options.Settings[key] = value;
        }

        if (ReferenceEquals(time, Time))
        {
            options.LogSink = (category, _, message) =>
            {
                if (category.EndsWith("LatchkeyBearerHandler", StringComparison.Ordinal) && FailureMessage().Match(message) is { Success: true } match)
                {
                    _failures.Enqueue(match.Groups[1].Value);
                }
            };
        }

        return LatchkeyTestServer.StartAsync(options);
    }

    [GeneratedRegex(@"Failure message: (\S+)")]
    private static partial Regex FailureMessage();
}

/// <summary>What an attacker holds: a genuine token, the public key, and tokens from look-alike servers.</summary>
/// <param name="Token">A genuine access token of the target.</param>
/// <param name="UserId">Its <c>sub</c>.</param>
/// <param name="Kid">The target's signing key id.</param>
/// <param name="JwkJson">The target's public JWK exactly as the JWKS serves it.</param>
/// <param name="X">The P-256 public point's x coordinate.</param>
/// <param name="Y">The P-256 public point's y coordinate.</param>
/// <param name="WrongIssuerToken">Signed by the same key, with another <c>iss</c>.</param>
/// <param name="WrongAudienceToken">Signed by the same key, with the right <c>iss</c> and another <c>aud</c>.</param>
/// <param name="Trap">A URL on 127.0.0.1 that must never be fetched.</param>
/// <param name="IssuedAt">The genuine token's <c>iat</c>.</param>
/// <param name="ExpiresAt">The genuine token's <c>exp</c>.</param>
/// <param name="ClockSkew">The target's configured clock skew (the default).</param>
public sealed record AttackContext(
    string Token,
    string UserId,
    string Kid,
    string JwkJson,
    byte[] X,
    byte[] Y,
    string WrongIssuerToken,
    string WrongAudienceToken,
    Uri Trap,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    TimeSpan ClockSkew);
