using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Latchkey.AccessTokens;
using Latchkey.Keys;
using Latchkey.Revocation;
using Latchkey.Tokens;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NSec.Cryptography;

namespace Latchkey.Benchmarks;

/// <summary>
/// One access token signed by Latchkey's issuer with a fresh key of <see cref="Algorithm"/>, and the three
/// ways of checking it: Latchkey's validator, <see cref="JsonWebTokenHandler"/> with the same key and the same
/// rules, and the bare signature primitive over the token's signing input.
/// </summary>
public sealed class BenchmarkTokens : IDisposable
{
    public const string Issuer = "https://login.example.test";
    public const string Audience = "https://api.example.test";
    private const string Kid = "bench-key-1";
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    private readonly SigningKeyMaterial _key;
    private readonly byte[] _signingInput;
    private readonly byte[] _signature;
    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;
    private readonly PublicKey? _ed25519;

    public BenchmarkTokens(string algorithm)
    {
        Algorithm = algorithm;
        _key = SigningKeyMaterial.Generate(algorithm);
        Ring.Replace([new RingKey(Kid, 1, TimeProvider.System.GetUtcNow().AddDays(-1), _key)]);

        // An hour, so that no benchmark outlives its token; a thousand unrelated revocations, as a busy server holds.
        Token = new AccessTokenIssuer(Ring, TimeProvider.System)
            .Issue(new AccessTokenClaims("acct_0123456789abcdef", "latchkey", "read write", "sess_0123456789abcdef", 1), Issuer, Audience, TimeSpan.FromHours(1))
            .Token;
        for (var i = 0; i < 1000; i++)
        {
            Revocations.Apply(new RevocationEntry(RevocationKind.AccessToken, $"jti-{i}", 0, TimeProvider.System.GetUtcNow().AddHours(1)));
        }

        var dot = Token.LastIndexOf('.');
        _signingInput = Encoding.ASCII.GetBytes(Token[..dot]);
        _signature = Base64Url.DecodeFromChars(Token.AsSpan(dot + 1));

        using var jwk = JsonDocument.Parse(PublicJwk());
        var root = jwk.RootElement;
        switch (algorithm)
        {
            case SigningAlgorithms.ES256:
                _ecdsa = ECDsa.Create(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = Member(root, "x"), Y = Member(root, "y") },
                });
                break;
            case SigningAlgorithms.RS256 or SigningAlgorithms.PS256:
                _rsa = RSA.Create(new RSAParameters { Modulus = Member(root, "n"), Exponent = Member(root, "e") });
                break;
            default:
                _ed25519 = PublicKey.Import(SignatureAlgorithm.Ed25519, Member(root, "x"), KeyBlobFormat.RawPublicKey);
                break;
        }

        StockParameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = new JsonWebKey(PublicJwk()),
            ValidAlgorithms = [algorithm],
            ValidTypes = ["at+jwt"],
            ClockSkew = Skew,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
        };
    }

    public string Algorithm { get; }

    public string Token { get; }

    public SigningKeyRing Ring { get; } = new();

    public RevocationList Revocations { get; } = new();

    public AccessTokenValidationParameters Parameters { get; } = new(Issuer, Audience, Skew, 4096);

    public JsonWebTokenHandler StockHandler { get; } = new();

    public TokenValidationParameters StockParameters { get; }

    /// <summary>A validator on this token's key ring and revocation list.</summary>
    public AccessTokenValidator Validator(int cacheSize) => new(Ring, Revocations, TimeProvider.System, cacheSize);

    /// <summary>The signature primitive alone, over the bytes Latchkey verifies.</summary>
    public bool RawVerify() => Algorithm switch
    {
        SigningAlgorithms.ES256 => _ecdsa!.VerifyData(_signingInput, _signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        SigningAlgorithms.RS256 => _rsa!.VerifyData(_signingInput, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        SigningAlgorithms.PS256 => _rsa!.VerifyData(_signingInput, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
        _ => SignatureAlgorithm.Ed25519.Verify(_ed25519!, _signingInput, _signature),
    };

    /// <summary>Fails loudly when one of the three ways does not accept the token: a benchmark of a refusal measures nothing.</summary>
    public async Task CheckAllAcceptAsync(AccessTokenValidator validator, bool stock)
    {
        if (!RawVerify())
        {
            throw new InvalidOperationException($"{Algorithm}: the raw signature check refused the token.");
        }

        var result = validator.Validate(Token, Parameters);
        if (!result.IsValid)
        {
            throw new InvalidOperationException($"{Algorithm}: Latchkey refused the token: {result.Error}.");
        }

        if (stock && await StockHandler.ValidateTokenAsync(Token, StockParameters) is { IsValid: false } refused)
        {
            throw new InvalidOperationException($"{Algorithm}: JsonWebTokenHandler refused the token: {refused.Exception}");
        }
    }

    public void Dispose()
    {
        _key.Dispose();
        _ecdsa?.Dispose();
        _rsa?.Dispose();
    }

    private string PublicJwk()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            _key.WritePublishedJwk(writer, Kid);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static byte[] Member(JsonElement jwk, string name) => Base64Url.DecodeFromChars(jwk.GetProperty(name).GetString());
}
