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
    public AccessTokenValidationResult Validate(string? token, AccessTokenValidationParameters parameters) =>
        Validate(token, parameters, out _);

    /// <summary>Validates <paramref name="token"/> and tells whether the validated-token cache answered.</summary>
    /// <param name="token">The compact JWS.</param>
    /// <param name="parameters">The rules.</param>
    /// <param name="fromCache">Whether the token was found in the cache, so that parsing and the signature check were skipped.</param>
    public AccessTokenValidationResult Validate(string? token, AccessTokenValidationParameters parameters, out bool fromCache)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (_cache is not null && token is not null && _cache.Find(token) is { } entry && CheckCached(entry, parameters) is { } cached)
        {
            fromCache = true;
            return cached;
        }

        fromCache = false;

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
        var seen = JwsHeaderMembers.None;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return TokenValidationError.Malformed;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var member = HeaderMember(ref reader);
                if (member == ForbiddenHeaderMember)
                {
                    return TokenValidationError.ForbiddenHeader;
                }

                if ((seen & member) != 0)
                {
                    return TokenValidationError.Malformed;
                }

                seen |= member;
                switch (member)
                {
                    case JwsHeaderMembers.Algorithm: alg = ReadAlgorithm(ref reader); break;
                    case JwsHeaderMembers.KeyId: kid = ReadString(ref reader); break;
                    case JwsHeaderMembers.Type: typ = ReadAccessTokenType(ref reader); break;
                    default:
                        reader.Read();
                        reader.Skip();
                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return TokenValidationError.Malformed;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Utf8JsonReader reports JSON that is not well formed only by throwing (JsonException), and a string
            // that is not valid UTF-8 or escapes a lone surrogate only when it is decoded (InvalidOperationException).
            return TokenValidationError.Malformed;
        }

        if (alg is null || kid is null)
        {
            return TokenValidationError.Malformed;
        }

        return typ ? TokenValidationError.None : TokenValidationError.WrongType;
    }

    // A header member that RFC 8725 §3.10 and RFC 7515 §4.1.11 make us refuse: a marker, never a flag that is recorded.
    private const JwsHeaderMembers ForbiddenHeaderMember = (JwsHeaderMembers)(-1);

    private static JwsHeaderMembers HeaderMember(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("alg"u8)) return JwsHeaderMembers.Algorithm;
        if (reader.ValueTextEquals("kid"u8)) return JwsHeaderMembers.KeyId;
        if (reader.ValueTextEquals("typ"u8)) return JwsHeaderMembers.Type;
        if (reader.ValueTextEquals("crit"u8) || reader.ValueTextEquals("jwk"u8) || reader.ValueTextEquals("jku"u8)
            || reader.ValueTextEquals("x5u"u8) || reader.ValueTextEquals("x5c"u8) || reader.ValueTextEquals("b64"u8))
        {
            return ForbiddenHeaderMember;
        }

        return JwsHeaderMembers.None;
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

    private AccessTokenValidationResult ReadPayload(ReadOnlySpan<byte> json, AccessTokenValidationParameters parameters)
    {
        string? iss = null, sub = null, jti = null, clientId = null, scope = null, sid = null, acr = null, amr = null;
        DateTimeOffset exp = default, nbf = default, iat = default, authTime = default;
        long generation = 0;
        var audienceMatches = false;

        // Seen: every claim read, so that a repeated one is refused. Valid: those of the right JSON type.
        var seen = JwtClaims.None;
        var valid = JwtClaims.None;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var claim = Claim(ref reader);
                if ((seen & claim) != 0)
                {
                    return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
                }

                seen |= claim;
                var read = claim switch
                {
                    JwtClaims.Issuer => TryReadIssuer(ref reader, parameters.Issuer, out iss),
                    JwtClaims.Subject => TryReadString(ref reader, out sub),
                    JwtClaims.JwtId => TryReadString(ref reader, out jti),
                    JwtClaims.ClientId => TryReadString(ref reader, out clientId),
                    JwtClaims.Scope => TryReadString(ref reader, out scope),
                    JwtClaims.SessionId => TryReadString(ref reader, out sid),
                    JwtClaims.ExpiresAt => TryReadNumericDate(ref reader, out exp),
                    JwtClaims.NotBefore => TryReadNumericDate(ref reader, out nbf),
                    JwtClaims.IssuedAt => TryReadNumericDate(ref reader, out iat),
                    JwtClaims.Audience => TryReadAudience(ref reader, parameters.Audience, out audienceMatches),
                    JwtClaims.Generation => TryReadGeneration(ref reader, out generation),
                    JwtClaims.AuthTime => TryReadNumericDate(ref reader, out authTime),
                    JwtClaims.Acr => TryReadString(ref reader, out acr),
                    JwtClaims.Amr => TryReadStringArray(ref reader, out amr),
                    _ => SkipValue(ref reader),
                };
                switch (read)
                {
                    case ClaimRead.Valid:
                        valid |= claim;
                        break;
                    case ClaimRead.Malformed:
                        return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // As in the header: malformed JSON, or a string that cannot be decoded.
            return AccessTokenValidationResult.Fail(TokenValidationError.Malformed);
        }

        // aud of a wrong type is a wrong audience, not a missing claim; lk_gen, when present, must be well formed.
        if ((valid & JwtClaims.Required & ~JwtClaims.Audience) != (JwtClaims.Required & ~JwtClaims.Audience)
            || (seen & JwtClaims.Audience) == 0
            || (seen & ~valid & JwtClaims.Generation) != 0)
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

        var now = TruncateToMilliseconds(_time.GetUtcNow());
        var skew = parameters.ClockSkew;
        if (exp <= now - skew)
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.Expired);
        }

        if (((valid & JwtClaims.NotBefore) != 0 && nbf > now + skew) || iat > now + skew)
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.NotYetValid);
        }

        var token = new AccessToken(
            iss!, sub!, clientId!, scope ?? string.Empty, jti!, TruncateToSeconds(iat), TruncateToSeconds(exp), sid, generation,
            (valid & JwtClaims.AuthTime) != 0 ? TruncateToSeconds(authTime) : null, acr, amr ?? string.Empty);
        if (_revocation is not null && _revocation.IsRevoked(token))
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.Revoked);
        }

        return new AccessTokenValidationResult(TokenValidationError.None, token);
    }

    private static JwtClaims Claim(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("iss"u8)) return JwtClaims.Issuer;
        if (reader.ValueTextEquals("sub"u8)) return JwtClaims.Subject;
        if (reader.ValueTextEquals("jti"u8)) return JwtClaims.JwtId;
        if (reader.ValueTextEquals("client_id"u8)) return JwtClaims.ClientId;
        if (reader.ValueTextEquals("scope"u8)) return JwtClaims.Scope;
        if (reader.ValueTextEquals("sid"u8)) return JwtClaims.SessionId;
        if (reader.ValueTextEquals("exp"u8)) return JwtClaims.ExpiresAt;
        if (reader.ValueTextEquals("nbf"u8)) return JwtClaims.NotBefore;
        if (reader.ValueTextEquals("iat"u8)) return JwtClaims.IssuedAt;
        if (reader.ValueTextEquals("aud"u8)) return JwtClaims.Audience;
        if (reader.ValueTextEquals("lk_gen"u8)) return JwtClaims.Generation;
        if (reader.ValueTextEquals("auth_time"u8)) return JwtClaims.AuthTime;
        if (reader.ValueTextEquals("acr"u8)) return JwtClaims.Acr;
        if (reader.ValueTextEquals("amr"u8)) return JwtClaims.Amr;
        return JwtClaims.None;
    }

    private static ClaimRead SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
        return ClaimRead.WrongType;
    }

    private static ClaimRead TryReadString(ref Utf8JsonReader reader, out string? value)
    {
        value = ReadString(ref reader);
        return value is null ? ClaimRead.WrongType : ClaimRead.Valid;
    }

    // iss is kept only when it is exactly the expected issuer, so the expected string is reused rather than a copy made.
    private static ClaimRead TryReadIssuer(ref Utf8JsonReader reader, string expected, out string? issuer)
    {
        issuer = null;
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return ClaimRead.WrongType;
        }

        issuer = reader.ValueTextEquals(expected) ? expected : UnexpectedIssuer;
        return ClaimRead.Valid;
    }

    // A NumericDate (RFC 7519 §2) of the wrong JSON type is a missing claim; a number that no DateTimeOffset holds is malformed.
    private static ClaimRead TryReadNumericDate(ref Utf8JsonReader reader, out DateTimeOffset time)
    {
        time = default;
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return ClaimRead.WrongType;
        }

        return reader.TryGetDouble(out var value) && NumericDate.TryParse(value, out time) ? ClaimRead.Valid : ClaimRead.Malformed;
    }

    // lk_gen: a non-negative integer; anything else makes the token's claims unusable.
    private static ClaimRead TryReadGeneration(ref Utf8JsonReader reader, out long generation)
    {
        generation = 0;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out generation) && generation >= 0)
        {
            return ClaimRead.Valid;
        }

        generation = 0;
        reader.Skip();
        return ClaimRead.WrongType;
    }

    // aud: a string, or an array of strings one of which is the expected audience (RFC 7519 §4.1.3).
    private static ClaimRead TryReadAudience(ref Utf8JsonReader reader, string expected, out bool matches)
    {
        matches = false;
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            matches = reader.ValueTextEquals(expected);
            return ClaimRead.Valid;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return ClaimRead.WrongType;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                return ClaimRead.Malformed;
            }

            matches |= reader.ValueTextEquals(expected);
        }

        return ClaimRead.Valid;
    }

    // amr: an array of strings (RFC 8176), kept space-separated; a value with a space or of another type is malformed.
    private static ClaimRead TryReadStringArray(ref Utf8JsonReader reader, out string? joined)
    {
        joined = null;
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return ClaimRead.WrongType;
        }

        var values = new List<string>(4);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { Length: > 0 } value || value.Contains(' ', StringComparison.Ordinal))
            {
                return ClaimRead.Malformed;
            }

            values.Add(value);
        }

        joined = string.Join(' ', values);
        return ClaimRead.Valid;
    }

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

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

    private static bool IsBase64Url(ReadOnlySpan<char> text) =>
        !text.IsEmpty && !text.ContainsAnyExcept(Base64UrlAlphabet);

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    // How a claim's value was read: usable, present but of another JSON type, or unusable in a way that makes the whole token malformed.
    private enum ClaimRead
    {
        WrongType,
        Valid,
        Malformed,
    }
}
