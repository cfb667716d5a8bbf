using System.Text.Json;
using Latchkey.Keys;

namespace Latchkey.Core.Tests;

public sealed class JwkUseMemberTests
{
    private const string EcMembers = "\"kty\":\"EC\",\"crv\":\"P-256\",\"alg\":\"ES256\","
        + "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"";

    public static TheoryData<string, string> MalformedJwks => new()
    {
        { "UseIsNumber", "{" + EcMembers + ",\"use\":1}" },
        { "UseIsObject", "{" + EcMembers + ",\"use\":{}}" },
        { "UseIsArray", "{" + EcMembers + ",\"use\":[\"sig\"]}" },
        { "UseIsBoolean", "{" + EcMembers + ",\"use\":true}" },
        { "UseIsEnc", "{" + EcMembers + ",\"use\":\"enc\"}" },
        { "XIsNumber", "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":1,\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}" },
        { "XIsNotBase64Url", "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"!!\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}" },
        { "NotAnObject", "[1]" },
    };

    [Fact]
    public void TryFromJwk_PublicEcKey_GivesEs256Key()
    {
        using var document = JsonDocument.Parse("{" + EcMembers + ",\"use\":\"sig\"}");

        Assert.True(JwsVerificationKey.TryFromJwk(document.RootElement, out var key));
        using (key)
        {
            Assert.Equal(SigningAlgorithms.ES256, key!.Algorithm);
        }
    }

    [Theory]
    [MemberData(nameof(MalformedJwks))]
    public void TryFromJwk_MalformedMember_ReturnsFalseWithoutThrowing(string name, string json)
    {
        _ = name;
        using var document = JsonDocument.Parse(json);

        Assert.False(JwsVerificationKey.TryFromJwk(document.RootElement, out var key));
        Assert.Null(key);
    }
}
