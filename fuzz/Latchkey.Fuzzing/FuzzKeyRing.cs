using Latchkey.Keys;
using Latchkey.Tokens;

namespace Latchkey.Fuzzing;

/// <summary>
/// A fixed key per algorithm, so that the committed seed tokens stay valid from one run to the next and
/// the fuzzer mutates tokens that really verify. These keys sign nothing but fuzz inputs.
/// </summary>
public static class FuzzKeyRing
{
    /// <summary>The <c>iss</c> the validator expects.</summary>
    public const string Issuer = "https://login.fuzz.test";
    /// <summary>The <c>aud</c> the validator expects.</summary>
    public const string Audience = "https://api.fuzz.test";

    /// <summary>The fixed "now" of every run: seed tokens are issued a minute before it.</summary>
    public static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The validation parameters of every run: the issuer, the audience and a 30-second skew.</summary>
    public static readonly AccessTokenValidationParameters Parameters = new(Issuer, Audience, TimeSpan.FromSeconds(30));

    private const string Es256Pkcs8 = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgkJsY9xyBO7CUX2bht7YVsCFC4SPnvUuhICIC4E/+3FyhRANCAAQ+L9KmfLlBTVMZH6Zz4F60fvHxo2YAuLRS84oBIMaaVL0sdcIUmA8jqITX90XmHwT2/TRbWrAJ5gHVZF10rEEr";

    private const string RsaPkcs8 =
        "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC473Fmke38GZCNROruc/tXwPDOx7gDf9/HQ69fJmHIQ5o9EUKFpeDA3FrASgFJ3vFOhidNzz3HCAjmZGIeSyKkDwtTcplpB3dgMWkROUsG8o+5hXIBUD74KpW6hD233fzBAMfxD7mGveELwXQVzG5w2njEZPAG3TM+3NsfNrDP1sn1MNrj2v36CWf5zaXXmVTPLluBmNVjq5V+/k3sQXumvxVwWCO1iBNpLIoNQL+BPqHhDPWJofRSZNxNs7NUFwL787aTME7mwiXyIJIjB1ShvO1o7yMOP2UPOqewH9feamrppqP7lDVsTdLRPztXWpiCa76MUSi3jVC2Vj+Tnu5ZAgMBAAECggEAEbW8YlovNCkukpi69sLcmva7GNI/aPZh868jqDUAwDDZIGf6utm7wDxZ5Hgxz2UuLpriQK1L+TdnwshyLPx9AMEAEKm0zz4LzIZuzVtzN+MaqGWDGWUZ4qIRXJ81WdpETidI/mjHF4QvfPS1rTC6kswZLJWN9tpQAgEcaszN+dkp8lOJQHdVnyEm0LHiaHJjm0tuMl11rrS26LNGVFjg2GVxwDylkmfc9KzZbxOHGz60twAPRT0oBGyGc4dKV8GgCg9hpgnX/wLnSsMMYAEF6QbrQbVDsn8v57DlUvsMv3GBqo9F138UnChTiMkTErAjkycjacapujBVONdSfwq6AQKBgQDw3IH+eZbipqE+J+ZHDxjv/qMUVTDRt/v0mEi0K1uZnzVwFEX+ePeh3XTRyNGivwgctJq1vsGZISPY97Ru0QbS0cnZHhTBYwaKPHEY1hzPwsWanbPzv0ZmEgwfJaApJtm80waeXEHuly5REMtKkM7qt1C9KVhg1rtbaAP/51v70QKBgQDEjxPgASqRhGfB+Vw69K+LlAzuLWY3tltfFuqBIa9Wo0NmJc21BTGsQwmKbAsBZcouyq5c8gSG2utmNZ7DU79ugVC1lpOOdWtm8NFIjcwXy63jp83PN1wZoUoQ8ugd5C3sFkKtZv4+iti1Giqv2NoRL/3bqLhaMvgpeDtFH7rUCQKBgGCCusPQzJi809cn/alzbzaa/ZVkHU+rPRXg/yDSTr3bgXoLZZB1wCPnrKtyoC1qBkIaS/OPH9vP36FMf8v3jZhj31FUMFTc7P3vAhJFmP3WuX8eucBtYDP9/0VruiVDH/P9SqWhqfmEMlbhN9QE+iQql/tz2anT4PbbUt7zQXRBAoGBAIx60bKcQsdDwUBCLue37yqrwl4Ltm2E+GLKpwlpgL5D6yy7QfzpXGoIc24p7+esz0aH9vxYwGF9XxZqpjBlz4B0DbHqj0UWqI8m9/yJ018CZCI70P0TTNDIlH3ujXSnmyaLdlYmMPmUFHPC4tVQ//GewilWuYNFwFUrJ/ksR0O5AoGBAOzJUPIydkkHxUqEMTumQxJTA0Qmx2jCY7BDqPP5Xxm5MiWsVKf+7HPGFFKONdn5E/j2N614wDXwwkLBOFpU/M9i1GEF9AvPGyMlJ5uKSXC+1K5JDXciYnlVxkDda6/WWN0wD74MO0+WuauDH9efnq2MQ7sqBiOtDxAsSCwhDLzR";

    private const string Ed25519Seed = "M7plCeZmDbYdi/3zHRLkQudPSJ1K7MOfyS5vQ6nQFpY=";

    /// <summary>The kid of each algorithm's key: <c>fuzz-</c> and the algorithm in lower case.</summary>
    public static string KidFor(string algorithm) => "fuzz-" + algorithm.ToLowerInvariant();

    /// <summary>The ring of the four keys, each active since a day before <see cref="Now"/>.</summary>
    public static SigningKeyRing Ring { get; } = Build();

    /// <summary>The ring key of <paramref name="algorithm"/>.</summary>
    public static RingKey KeyFor(string algorithm) => Ring.Keys.Single(k => k.Material.Algorithm == algorithm);

    private static SigningKeyRing Build()
    {
        var keys = new List<RingKey>();
        foreach (var algorithm in SigningAlgorithms.All)
        {
            var material = algorithm switch
            {
                SigningAlgorithms.ES256 => Es256Pkcs8,
                SigningAlgorithms.EdDSA => Ed25519Seed,
                _ => RsaPkcs8,
            };
            var key = SigningKeyMaterial.Import(algorithm, Convert.FromBase64String(material));
            keys.Add(new RingKey(KidFor(algorithm), keys.Count + 1, Now.AddDays(-1), key));
        }

        var ring = new SigningKeyRing();
        ring.Replace(keys);
        return ring;
    }
}
