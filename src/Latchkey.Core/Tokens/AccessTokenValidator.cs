using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Latchkey.Keys;

namespace Latchkey.Tokens;

/// <summary>
/// Validates RFC 9068 access tokens under the rules of RFC 8725: the algorithm comes from the key named
/// by <c>kid</c>, never from the token; embedded or remote keys (<c>jwk</c>, <c>jku</c>, <c>x5u</c>,
/// <c>x5c</c>) and any <c>crit</c> are refused; <c>typ</c> must be <c>at+jwt</c>; <c>iss</c>, <c>aud</c>,
/// <c>exp</c>, <c>nbf</c> and <c>iat</c> are checked with a small skew; duplicate JSON members are refused.
/// Expected failures are results, not exceptions. With a validated-token cache, a token seen before skips
/// parsing and the signature check, but its expiry, its revocation and its key are checked again every time.
/// </summary>
public sealed class AccessTokenValidator
{
    private const int StackLimit = 1024;
    private const double MinUnixSeconds = -62135596800;
    private const double MaxUnixSeconds = 253402300799;

    // Stand-ins for header and claim values that can only be refused; no key and no configured issuer equals them.
    private const string UnsupportedAlgorithm = "\0unsupported";
    private const string UnexpectedIssuer = "\0unexpected";

    private readonly IVerificationKeyResolver _keys;
    private readonly IAccessTokenRevocationCheck? _revocation;
    private readonly TimeProvider _time;
    private readonly ValidatedTokenCache? _cache;

    /// <summary>Creates a validator without a validated-token cache.</summary>
    /// <param name="keys">Resolves <c>kid</c> to a published key.</param>
    /// <param name="revocation">The revocation check, or <see langword="null"/> where revocations are not known.</param>
    /// <param name="time">The clock.</param>
    public AccessTokenValidator(IVerificationKeyResolver keys, IAccessTokenRevocationCheck? revocation, TimeProvider time)
        : this(keys, revocation, time, 0)
    {
    }

    /// <summary>Creates a validator that remembers up to <paramref name="cacheSize"/> validated tokens.</summary>
    /// <param name="keys">Resolves <c>kid</c> to a published key.</param>
    /// <param name="revocation">The revocation check, or <see langword="null"/> where revocations are not known.</param>
    /// <param name="time">The clock.</param>
    /// <param name="cacheSize">How many validated tokens to remember; zero for none.</param>
    public AccessTokenValidator(IVerificationKeyResolver keys, IAccessTokenRevocationCheck? revocation, TimeProvider time, int cacheSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cacheSize);
        _keys = keys;
        _revocation = revocation;
        _time = time;
        _cache = cacheSize > 0 ? new ValidatedTokenCache(cacheSize) : null;
    }

    /// <summary>How many validated tokens are remembered now.</summary>
    public int CachedTokenCount => _cache?.Count ?? 0;

    /// <summary>Validates <paramref name="token"/>.</summary>
    public AccessTokenValidationResult Validate(string? token, AccessTokenValidationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (_cache is not null && token is not null && _cache.Find(token) is { } entry && CheckCached(entry, parameters) is { } cached)
        {
            return cached;
        }

        var result = ValidateUncached(token, parameters, out var kid, out var key);
        if (_cache is not null && result.IsValid)
        {
            _cache.Add(token!, result.Token!, kid!, key!, parameters);
        }

        return result;
    }

    // A remembered token is judged again on everything that can change after validation: the key that
    // verified it must still be published under its kid, the rules must be the same, and the token must be
    // neither expired nor revoked now. Null sends the token through full validation.
    private AccessTokenValidationResult? CheckCached(ValidatedTokenCache.Entry entry, AccessTokenValidationParameters parameters)
    {
        if (!_keys.TryGetKey(entry.Kid, out var key) || !ReferenceEquals(key, entry.Key) || !entry.Parameters.Equals(parameters))
        {
            _cache!.Remove(entry);
            return null;
        }

        var token = entry.Token;
        if (token.ExpiresAt <= _time.GetUtcNow() - parameters.ClockSkew)
        {
            _cache!.Remove(entry);
            return AccessTokenValidationResult.Fail(TokenValidationError.Expired);
        }

        return _revocation is not null && _revocation.IsRevoked(token)
            ? AccessTokenValidationResult.Fail(TokenValidationError.Revoked)
            : new AccessTokenValidationResult(TokenValidationError.None, token);
    }

    private AccessTokenValidationResult ValidateUncached(
        string? token, AccessTokenValidationParameters parameters, out string? kid, out JwsVerificationKey? key)
    {
        kid = null;
        key = null;
        if (string.IsNullOrEmpty(token))
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
        }

        if (token.Length > parameters.MaxTokenLength)
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.TooLarge);
        }

        var span = token.AsSpan();
        var firstDot = span.IndexOf('.');
        if (firstDot <= 0)
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
        }

        var secondDot = span[(firstDot + 1)..].IndexOf('.');
        if (secondDot <= 0)
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
        }

        secondDot += firstDot + 1;
        var headerPart = span[..firstDot];
        var payloadPart = span[(firstDot + 1)..secondDot];
        var signaturePart = span[(secondDot + 1)..];
        if (signaturePart.Length == 0 || signaturePart.Contains('.')
            || !IsBase64Url(headerPart) || !IsBase64Url(payloadPart) || !IsBase64Url(signaturePart))
        {
            // Five segments (JWE) and a stripped signature end here.
            return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
        }

        byte[]? rented = null;
        var needed = Base64Url.GetMaxDecodedLength(headerPart.Length) + Base64Url.GetMaxDecodedLength(payloadPart.Length)
            + Base64Url.GetMaxDecodedLength(signaturePart.Length) + token.Length;
        Span<byte> buffer = needed <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(needed));
        try
        {
            if (!Base64Url.TryDecodeFromChars(headerPart, buffer, out var headerLength))
            {
                return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
            }

            var header = buffer[..headerLength];
            var rest = buffer[headerLength..];
            var headerError = ReadHeader(header, out kid, out var alg);
            if (headerError != TokenValidationError.None)
            {
                return AccessTokenValidationResult.Fail(headerError);
            }

            if (!_keys.TryGetKey(kid!, out key) || key is null)
            {
                return AccessTokenValidationResult.Fail(TokenValidationError.UnknownKey);
            }

            if (!string.Equals(alg, key.Algorithm, StringComparison.Ordinal))
            {
                return AccessTokenValidationResult.Fail(TokenValidationError.AlgorithmMismatch);
            }

            if (!Base64Url.TryDecodeFromChars(signaturePart, rest, out var signatureLength))
            {
                return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
            }

            var signature = rest[..signatureLength];
            var signingInput = rest[signatureLength..];
            var inputLength = Encoding.ASCII.GetBytes(span[..secondDot], signingInput);
            if (!key.Verify(signingInput[..inputLength], signature))
            {
                return AccessTokenValidationResult.Fail(TokenValidationError.BadSignature);
            }

            // The signing input is no longer needed: decode the payload over it.
            if (!Base64Url.TryDecodeFromChars(payloadPart, signingInput, out var payloadLength))
            {
                return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
            }

            return ReadPayload(signingInput[..payloadLength], parameters);
        }
        catch (FormatException)
        {
            // Base64Url.TryDecodeFromChars throws, rather than returning false, on a segment whose
            // length leaves one character over (length % 4 == 1): such a segment is malformed.
            return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static TokenValidationError ReadHeader(ReadOnlySpan<byte> json, out string? kid, out string? alg)
    {
        kid = null;
        alg = null;
        var typ = false;
        var seen = 0;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return TokenValidationError.Malformed;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var bit = 0;
                if (reader.ValueTextEquals("alg"u8))
                {
                    bit = 1;
                    alg = ReadAlgorithm(ref reader);
                }
                else if (reader.ValueTextEquals("kid"u8))
                {
                    bit = 2;
                    kid = ReadString(ref reader);
                }
                else if (reader.ValueTextEquals("typ"u8))
                {
                    bit = 4;
                    typ = ReadAccessTokenType(ref reader);
                }
                else if (reader.ValueTextEquals("crit"u8) || reader.ValueTextEquals("jwk"u8) || reader.ValueTextEquals("jku"u8)
                    || reader.ValueTextEquals("x5u"u8) || reader.ValueTextEquals("x5c"u8) || reader.ValueTextEquals("b64"u8))
                {
                    return TokenValidationError.ForbiddenHeader;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }

                if (bit != 0)
                {
                    if ((seen & bit) != 0)
                    {
                        return TokenValidationError.Malformed;
                    }

                    seen |= bit;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return TokenValidationError.Malformed;
            }
        }
        catch (JsonException)
        {
            return TokenValidationError.Malformed;
        }
        catch (InvalidOperationException)
        {
            return TokenValidationError.Malformed;
        }

        if (alg is null || kid is null)
        {
            return TokenValidationError.Malformed;
        }

        return typ ? TokenValidationError.None : TokenValidationError.WrongType;
    }

    // The header values are read without allocating: alg maps to the constant of a supported algorithm (or
    // to one that matches no key), and typ is only compared.
    private static string? ReadAlgorithm(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }

        foreach (var algorithm in SigningAlgorithms.All)
        {
            if (reader.ValueTextEquals(algorithm))
            {
                return algorithm;
            }
        }

        return UnsupportedAlgorithm;
    }

    // RFC 9068 §2.1: "at+jwt", compared case-insensitively; the "application/" prefix may be present (RFC 7515 §4.1.9).
    private static bool ReadAccessTokenType(ref Utf8JsonReader reader)
    {
        const int MaxTypeLength = 32;
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return false;
        }

        // The escaped UTF-8 length bounds the text's length in UTF-16 units.
        if (reader.ValueSpan.Length > MaxTypeLength)
        {
            return false;
        }

        Span<char> text = stackalloc char[MaxTypeLength];
        var type = text[..reader.CopyString(text)];
        return type.Equals("at+jwt", StringComparison.OrdinalIgnoreCase) || type.Equals("application/at+jwt", StringComparison.OrdinalIgnoreCase);
    }

    // iss is kept only when it is exactly the expected issuer, so the expected string is reused rather than a copy made.
    private static string? ReadIssuer(ref Utf8JsonReader reader, string expected)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }

        return reader.ValueTextEquals(expected) ? expected : UnexpectedIssuer;
    }

    private AccessTokenValidationResult ReadPayload(ReadOnlySpan<byte> json, AccessTokenValidationParameters parameters)
    {
        string? iss = null, sub = null, jti = null, clientId = null, scope = null, sid = null;
        double? exp = null, nbf = null, iat = null;
        long generation = 0;
        var audienceMatches = false;
        var audienceSeen = false;
        var seen = 0;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var bit = Claim(ref reader);
                if (bit != 0)
                {
                    if ((seen & bit) != 0)
                    {
                        return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
                    }

                    seen |= bit;
                }

                switch (bit)
                {
                    case 1: iss = ReadIssuer(ref reader, parameters.Issuer); break;
                    case 2: sub = ReadString(ref reader); break;
                    case 4: jti = ReadString(ref reader); break;
                    case 8: clientId = ReadString(ref reader); break;
                    case 16: scope = ReadString(ref reader); break;
                    case 32: sid = ReadString(ref reader); break;
                    case 64: exp = ReadNumericDate(ref reader); break;
                    case 128: nbf = ReadNumericDate(ref reader); break;
                    case 256: iat = ReadNumericDate(ref reader); break;
                    case 512:
                        audienceSeen = true;
                        audienceMatches = ReadAudience(ref reader, parameters.Audience);
                        break;
                    case 1024:
                        generation = (long)(ReadNumber(ref reader) ?? -1);
                        break;
                    default:
                        reader.Read();
                        reader.Skip();
                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
        }

        if (iss is null || sub is null || jti is null || clientId is null || exp is null || iat is null || !audienceSeen || generation < 0)
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.MissingClaim);
        }

        if (!string.Equals(iss, parameters.Issuer, StringComparison.Ordinal))
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.WrongIssuer);
        }

        if (!audienceMatches)
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.WrongAudience);
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        var skew = parameters.ClockSkew.TotalSeconds;
        if (exp.Value <= now - skew)
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.Expired);
        }

        if ((nbf is { } notBefore && notBefore > now + skew) || iat.Value > now + skew)
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.NotYetValid);
        }

        var token = new AccessToken(
            iss, sub, clientId, scope ?? string.Empty, jti,
            DateTimeOffset.FromUnixTimeSeconds((long)iat.Value), DateTimeOffset.FromUnixTimeSeconds((long)exp.Value), sid, generation);
        if (_revocation is not null && _revocation.IsRevoked(token))
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.Revoked);
        }

        return new AccessTokenValidationResult(TokenValidationError.None, token);
    }

    private static int Claim(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("iss"u8)) return 1;
        if (reader.ValueTextEquals("sub"u8)) return 2;
        if (reader.ValueTextEquals("jti"u8)) return 4;
        if (reader.ValueTextEquals("client_id"u8)) return 8;
        if (reader.ValueTextEquals("scope"u8)) return 16;
        if (reader.ValueTextEquals("sid"u8)) return 32;
        if (reader.ValueTextEquals("exp"u8)) return 64;
        if (reader.ValueTextEquals("nbf"u8)) return 128;
        if (reader.ValueTextEquals("iat"u8)) return 256;
        if (reader.ValueTextEquals("aud"u8)) return 512;
        if (reader.ValueTextEquals(AccessTokenIssuer.GenerationClaim)) return 1024;
        return 0;
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }

        return reader.GetString();
    }

    private static double? ReadNumber(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return null;
        }

        var value = reader.GetDouble();
        return double.IsFinite(value) ? value : null;
    }

    // A NumericDate (RFC 7519 §2) beyond what DateTimeOffset holds (years 1 to 9999) cannot be acted on.
    private static double? ReadNumericDate(ref Utf8JsonReader reader)
    {
        var value = ReadNumber(ref reader);
        if (value is < MinUnixSeconds or > MaxUnixSeconds)
        {
            throw new FormatException("A time claim lies outside the years 1 to 9999.");
        }

        return value;
    }

    private static bool ReadAudience(ref Utf8JsonReader reader, string expected)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.ValueTextEquals(expected);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return false;
        }

        var match = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new FormatException("aud holds a non-string.");
            }

            match |= reader.ValueTextEquals(expected);
        }

        return match;
    }

    private static bool IsBase64Url(ReadOnlySpan<char> text) =>
        !text.IsEmpty && !text.ContainsAnyExcept(Base64UrlAlphabet);

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}
