using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Latchkey.Fuzzing.Targets;
using Latchkey.Keys;

namespace Latchkey.Fuzzing;

/// <summary>
/// Writes the token seeds of <c>fuzz/corpus/jwt/</c>: they are signed with <see cref="FuzzKeyRing"/>, so
/// they are generated rather than written by hand. The cookie, form and JSON seeds are plain files.
/// </summary>
public static class SeedCorpus
{
    /// <summary>Writes the seeds into <paramref name="corpus"/><c>/jwt</c>.</summary>
    public static void Write(string corpus)
    {
        var folder = Path.Combine(corpus, "jwt");
        Directory.CreateDirectory(folder);
        foreach (var (name, content) in Seeds())
        {
            File.WriteAllText(Path.Combine(folder, name), content);
        }
    }

    /// <summary>Every seed as a file name and its text.</summary>
    public static IEnumerable<(string Name, string Content)> Seeds()
    {
        foreach (var algorithm in SigningAlgorithms.All)
        {
            var id = algorithm.ToLowerInvariant();
            var header = Header(algorithm);
            var payload = Payload();
            yield return ($"valid-{id}.jwt", Compact(header, payload));
            yield return ($"signed-{id}.txt", header + "\n" + payload);
            yield return ($"jwk-{id}.json", Jwk(FuzzKeyRing.KeyFor(algorithm)));
        }

        var es = SigningAlgorithms.ES256;
        var kid = FuzzKeyRing.KidFor(es);
        var now = FuzzKeyRing.Now.ToUnixTimeSeconds();
        string Signed(string header, string payload) => header + "\n" + payload;

        yield return ("header-crit.txt", Signed($$"""{"alg":"ES256","typ":"at+jwt","kid":"{{kid}}","crit":["exp"]}""", Payload()));
        yield return ("header-typ-application.txt", Signed($$"""{"alg":"ES256","typ":"application/at+jwt","kid":"{{kid}}"}""", Payload()));
        yield return ("header-typ-jwt.txt", Signed($$"""{"alg":"ES256","typ":"JWT","kid":"{{kid}}"}""", Payload()));
        yield return ("header-alg-none.txt", Signed($$"""{"alg":"none","typ":"at+jwt","kid":"{{kid}}"}""", Payload()));
        yield return ("header-alg-hs256.txt", Signed($$"""{"alg":"HS256","typ":"at+jwt","kid":"{{kid}}"}""", Payload()));
        yield return ("header-alg-mismatch.txt", Signed($$"""{"alg":"RS256","typ":"at+jwt","kid":"{{kid}}"}""", Payload()));
        yield return ("header-jwk.txt", Signed($$"""{"alg":"ES256","typ":"at+jwt","kid":"{{kid}}","jwk":{{Jwk(FuzzKeyRing.KeyFor(es))}}}""", Payload()));
        yield return ("header-duplicate-kid.txt", Signed($$"""{"alg":"ES256","typ":"at+jwt","kid":"{{kid}}","kid":"other"}""", Payload()));
        yield return ("header-unknown-kid.txt", Signed("""{"alg":"ES256","typ":"at+jwt","kid":"nobody"}""", Payload()));
        yield return ("payload-aud-array.txt", Signed(Header(es), Payload(aud: $"""["{FuzzKeyRing.Audience}","other"]""")));
        yield return ("payload-aud-mixed.txt", Signed(Header(es), Payload(aud: $"""["{FuzzKeyRing.Audience}",7,null]""")));
        yield return ("payload-revoked.txt", Signed(Header(es), Payload(jti: JwtTarget.RevokedJwtId)));
        yield return ("payload-expired.txt", Signed(Header(es), Payload(exp: (now - 3600).ToString(CultureInfo.InvariantCulture))));
        yield return ("payload-not-yet-valid.txt", Signed(Header(es), Payload(nbf: (now + 3600).ToString(CultureInfo.InvariantCulture))));
        yield return ("payload-fractional-times.txt", Signed(Header(es), Payload(exp: (now + 600) + ".5", nbf: "1.0e0")));
        yield return ("payload-exp-string.txt", Signed(Header(es), Payload(exp: "\"soon\"")));
        yield return ("payload-generation.txt", Signed(Header(es), Payload(generation: "-3")));
        yield return ("payload-duplicate-sub.txt", Signed(Header(es), Payload().Replace("\"sub\":", "\"sub\":\"x\",\"sub\":", StringComparison.Ordinal)));
        yield return ("payload-unicode.txt", Signed(Header(es), Payload(jti: "j\\u00e9\\ud83d\\ude00\\ud800")));
        yield return ("payload-nested.txt", Signed(Header(es), Payload().Replace("{", "{\"x\":[[[[[{\"y\":{}}]]]]],", StringComparison.Ordinal)));

        var valid = Compact(Header(es), Payload());
        var parts = valid.Split('.');
        yield return ("compact-stripped-signature.jwt", parts[0] + "." + parts[1] + ".");
        yield return ("compact-jwe-shape.jwt", valid + ".AAAA.BBBB");
        yield return ("compact-alg-none.jwt", Encode($$"""{"alg":"none","typ":"at+jwt","kid":"{{kid}}"}""") + "." + parts[1] + ".");
        yield return ("compact-padding.jwt", parts[0] + "=." + parts[1] + "." + parts[2]);
        yield return ("compact-odd-length.jwt", parts[0] + "." + parts[1] + "." + parts[2] + "A");
        yield return ("jwk-private.json", """{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA","d":"AAAA"}""");
        yield return ("jwk-rsa-short.json", """{"kty":"RSA","alg":"RS256","n":"AQAB","e":"AQAB"}""");
        yield return ("jwk-wrong-use.json", """{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","use":"enc"}""");
    }

    private static string Header(string algorithm) =>
        $$"""{"alg":"{{algorithm}}","typ":"at+jwt","kid":"{{FuzzKeyRing.KidFor(algorithm)}}"}""";

    private static string Payload(string? aud = null, string? jti = null, string? exp = null, string? nbf = null, string? generation = null)
    {
        var now = FuzzKeyRing.Now.ToUnixTimeSeconds();
        var iat = (now - 60).ToString(CultureInfo.InvariantCulture);
        return $$"""{"iss":"{{FuzzKeyRing.Issuer}}","sub":"user-1","aud":{{aud ?? $"\"{FuzzKeyRing.Audience}\""}},"exp":{{exp ?? (now + 540).ToString(CultureInfo.InvariantCulture)}},"iat":{{iat}},"nbf":{{nbf ?? iat}},"jti":"{{jti ?? "jti-1"}}","client_id":"latchkey","scope":"openid profile","sid":"family-1","lk_gen":{{generation ?? "2"}}}""";
    }

    private static string Compact(string header, string payload) =>
        JwtTarget.Sign(Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(payload));

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    private static string Jwk(RingKey key)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            key.Material.WritePublishedJwk(writer, key.Kid);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
