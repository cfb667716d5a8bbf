using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Latchkey.Keys;
using Latchkey.Tokens;

namespace Latchkey.Fuzzing.Targets;

/// <summary>
/// <see cref="AccessTokenValidator"/> and <see cref="JwsVerificationKey.TryFromJwk"/>. Each input is tried
/// three ways: as a compact token; when it has a line break, as <c>header JSON</c> and <c>payload JSON</c>
/// put under a real signature of the ring key its <c>kid</c> names (so that mutations reach the claim
/// checks behind the signature); and when it is a JSON object, as a JWK.
/// </summary>
public sealed class JwtTarget : IFuzzTarget
{
    /// <summary>The <c>jti</c> the revocation check reports as revoked.</summary>
    public const string RevokedJwtId = "revoked-jti";

    private readonly AccessTokenValidator _validator = new(FuzzKeyRing.Ring, new RevokedOne(), FixedClock.Instance);

    /// <inheritdoc />
    public string Name => "jwt";

    /// <inheritdoc />
    public void Run(ReadOnlySpan<byte> input)
    {
        Check(Validate(Encoding.UTF8.GetString(input)));

        var newline = input.IndexOf((byte)'\n');
        if (newline >= 0)
        {
            var header = input[..newline];
            Check(Validate(Sign(header, input[(newline + 1)..])));
        }

        if (!input.IsEmpty && input[0] == (byte)'{')
        {
            TryJwk(input);
        }
    }

    /// <summary>Validates <paramref name="token"/> against the fixed ring, clock and parameters.</summary>
    public AccessTokenValidationResult Validate(string token) => _validator.Validate(token, FuzzKeyRing.Parameters);

    /// <summary>A compact JWS of the raw header and payload bytes, signed by the ring key whose kid the header mentions.</summary>
    public static string Sign(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        var key = FuzzKeyRing.Ring.Keys[0];
        foreach (var candidate in FuzzKeyRing.Ring.Keys)
        {
            if (header.IndexOf(Encoding.ASCII.GetBytes(candidate.Kid)) >= 0)
            {
                key = candidate;
                break;
            }
        }

        var input = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);
        var signature = new byte[key.Material.SignatureSize];
        var written = key.Material.Sign(Encoding.ASCII.GetBytes(input), signature);
        return input + "." + Base64Url.EncodeToString(signature.AsSpan(0, written));
    }

    private static void Check(AccessTokenValidationResult result)
    {
        if (result.IsValid != (result.Token is not null))
        {
            throw new UndocumentedOutcomeException($"Validation gave {result.Error} with{(result.Token is null ? "out" : string.Empty)} a token.");
        }

        if (!Enum.IsDefined(result.Error))
        {
            throw new UndocumentedOutcomeException($"Validation gave an undefined error {(int)result.Error}.");
        }
    }

    private static void TryJwk(ReadOnlySpan<byte> input)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(input.ToArray());
        }
        catch (JsonException)
        {
            // Not JSON: the server never hands such text to TryFromJwk.
            return;
        }

        using (document)
        {
            if (JwsVerificationKey.TryFromJwk(document.RootElement, out var key))
            {
                using (key)
                {
                    if (key is null || !SigningAlgorithms.IsSupported(key.Algorithm))
                    {
                        throw new UndocumentedOutcomeException("TryFromJwk succeeded without a usable key.");
                    }

                    // A key made from a JWK must refuse a signature it did not make, of any length.
                    if (key.Verify("fuzz"u8, new byte[64]) || key.Verify("fuzz"u8, []))
                    {
                        throw new UndocumentedOutcomeException("A key from a JWK accepted a zero signature.");
                    }
                }
            }
        }
    }

    private sealed class RevokedOne : IAccessTokenRevocationCheck
    {
        public bool IsRevoked(AccessToken token) => token.JwtId == RevokedJwtId;
    }
}
