namespace Latchkey.Keys;

/// <summary>The JWS algorithms Latchkey signs with (RFC 7518, RFC 8037).</summary>
public static class SigningAlgorithms
{
    /// <summary>ECDSA with P-256 and SHA-256; the default.</summary>
    public const string ES256 = "ES256";

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit keys.</summary>
    public const string RS256 = "RS256";

    /// <summary>RSASSA-PSS with SHA-256, 2048-bit keys.</summary>
    public const string PS256 = "PS256";

    /// <summary>Ed25519 (RFC 8037), through libsodium.</summary>
    public const string EdDSA = "EdDSA";

    /// <summary>Every supported algorithm.</summary>
    public static IReadOnlyList<string> All { get; } = [ES256, EdDSA, RS256, PS256];

    /// <summary>Whether <paramref name="algorithm"/> is one Latchkey signs with (exact, case-sensitive match).</summary>
    public static bool IsSupported(string? algorithm) => algorithm is ES256 or RS256 or PS256 or EdDSA;
}
