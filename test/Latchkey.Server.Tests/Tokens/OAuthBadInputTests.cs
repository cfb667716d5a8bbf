using System.Net;
using System.Text;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>Whatever arrives at the OAuth endpoints, the answer is an RFC 6749 §5.2 error or a success, never a 5xx.</summary>
public sealed class OAuthBadInputTests(TokenServerFixture fixture) : IClassFixture<TokenServerFixture>
{
    private const string Form = "application/x-www-form-urlencoded";
    private readonly LatchkeyTestServer _server = fixture.Server;

    public static TheoryData<string, string> Endpoints => new() { { "Token", "oauth/token" }, { "Revoke", "oauth/revoke" }, { "Introspect", "oauth/introspect" } };

    public static TheoryData<string, byte[], string?> BadBodies => new()
    {
        { "Empty", [], Form },
        { "NoContentType", Encoding.ASCII.GetBytes("grant_type=password&token=x"), null },
        { "TextPlain", Encoding.ASCII.GetBytes("grant_type=password&token=x"), "text/plain" },
        { "Multipart", Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nx\r\n--b--\r\n"), "multipart/form-data; boundary=b" },
        { "Json", Encoding.ASCII.GetBytes("""{"grant_type":"password","token":"x"}"""), "application/json" },
        { "MalformedContentType", Encoding.ASCII.GetBytes("token=x"), "application/x-www-form-urlencoded; charset" },
        { "BadPercentEncoding", Encoding.ASCII.GetBytes("grant_type=%zz&token=%G0%&username=%"), Form },
        { "InvalidUtf8", RawRequests.Bytes("grant_type=password&username=<0xC3><0x28>&password=<0xFF><0xFE>&token=<0xC0><0xAF>"), Form },
        { "NulBytes", RawRequests.Bytes("grant_type=pass<0x00>word&username=a<0x00>&password=b&token=c<0x00>"), Form },
        { "OnlySeparators", Encoding.ASCII.GetBytes("&&&===&&"), Form },
        { "KeyWithoutValue", Encoding.ASCII.GetBytes("grant_type&token&username&password"), Form },
        { "TooManyParameters", Encoding.ASCII.GetBytes(string.Join('&', Enumerable.Range(0, 200).Select(i => $"p{i}=v"))), Form },
        // Over the per-value limit yet under Kestrel's 64 KiB body limit, past which Kestrel may answer 413 and close
        // while the client is still sending (BoundedResourceTests covers that path).
        { "HugeValue", Encoding.ASCII.GetBytes("grant_type=password&username=a%40example.com&password=" + new string('x', 60 * 1024) + "&token=x"), Form },
        { "HugeKey", Encoding.ASCII.GetBytes(new string('k', 4096) + "=v&token=x"), Form },
        { "LongScope", Encoding.ASCII.GetBytes("grant_type=client_credentials&client_id=svc&client_secret=svc-secret-of-sixteen-plus&scope=" + new string('s', 5000) + "&token=x"), Form },
        { "ControlCharsInScope", Encoding.ASCII.GetBytes("grant_type=client_credentials&client_id=svc&client_secret=svc-secret-of-sixteen-plus&scope=read%0Awrite&token=x"), Form },
        { "RefreshTokenWithPrefixAndGarbage", Encoding.ASCII.GetBytes("grant_type=refresh_token&refresh_token=lk_rt_%00%FF%FE&token=lk_rt_%00"), Form },
        { "HugeRefreshToken", Encoding.ASCII.GetBytes("grant_type=refresh_token&refresh_token=lk_rt_" + new string('A', 10_000) + "&token=lk_rt_" + new string('A', 10_000)), Form },
        { "LongSecret", Encoding.ASCII.GetBytes("grant_type=client_credentials&client_id=svc&client_secret=" + new string('s', 10_000) + "&token=x"), Form },
        { "JwtWithHugeHeader", Encoding.ASCII.GetBytes("grant_type=password&token=" + Convert.ToBase64String(new byte[6000]).Replace('+', '-').Replace('/', '_').TrimEnd('=') + ".e30.c2ln"), Form },
        { "DeeplyNestedJwt", Encoding.ASCII.GetBytes("token=" + System.Buffers.Text.Base64Url.EncodeToString(Encoding.ASCII.GetBytes("{\"alg\":" + new string('[', 3000) + new string(']', 3000) + "}")) + ".e30.c2ln"), Form },
    };

    public static TheoryData<string, string> BadAuthorizations => new()
    {
        { "BasicNotBase64", "Basic %%%" },
        { "BasicInvalidUtf8", "Basic " + Convert.ToBase64String([0xC3, 0x28, 0x3A, 0xFF]) },
        { "BasicBadPercentEscapes", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("%zz%:%G0%")) },
        { "BasicHuge", "Basic " + new string('A', 8000) },
        { "BasicEmpty", "Basic " },
        { "Bearer", "Bearer abc" },
        { "Garbage", "\u0001\u0002" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Endpoints_WithBadBody_AnswerWithout5xx(string name, byte[] body, string? contentType)
    {
        _ = name;
        using var client = _server.CreateClient();
        foreach (var path in new[] { "oauth/token", "oauth/revoke", "oauth/introspect" })
        {
            using var request = RawRequests.Post(path, body, contentType);

            using var response = await client.Http.SendAsync(request);

            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"{path} answered {status} to {name}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            if (status >= 400 && status != 413)
            {
                Assert.False(string.IsNullOrEmpty((await response.ReadJsonObjectAsync())["error"]?.GetValue<string>()), $"{path} {name}: no OAuth error.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Endpoints_WithBadBodyChunked_AnswerWithout5xx(string name, byte[] body, string? contentType)
    {
        using var client = _server.CreateClient();
        foreach (var path in new[] { "oauth/token", "oauth/revoke", "oauth/introspect" })
        {
            using var request = RawRequests.Post(path, body, contentType, chunked: true);

            using var response = await client.Http.SendAsync(request);

            Assert.True((int)response.StatusCode < 500, $"{path} answered {(int)response.StatusCode} to chunked {name}.");
        }
    }

    [Theory]
    [MemberData(nameof(BadAuthorizations))]
    public async Task Endpoints_WithBadAuthorizationHeader_AnswerWithout5xx(string name, string authorization)
    {
        _ = name;
        using var client = _server.CreateClient();
        foreach (var path in new[] { "oauth/token", "oauth/revoke", "oauth/introspect" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("token", "x")]),
            };
            request.Headers.TryAddWithoutValidation("Authorization", authorization);

            using var response = await client.Http.SendAsync(request);

            var status = (int)response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{path} answered {status} to {name}.");
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_WithOtherMethods_AnswersWithout5xx(string name, string path)
    {
        _ = name;
        using var client = _server.CreateClient();
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
        {
            using var response = await client.Http.SendAsync(new HttpRequestMessage(method, path));

            ProblemDetailsAssert.IsClientError(response);
        }
    }

    [Fact]
    public async Task PasswordGrant_WithOverlongCredentials_Returns400InvalidGrant()
    {
        using var client = _server.CreateClient();

        using var longUser = await client.PasswordGrantAsync(new string('a', 5000) + "@example.com");
        using var longPassword = await client.PasswordGrantAsync(TestData.NewEmail(), new string('p', 8000));

        await OAuthAssert.IsErrorAsync(longUser, HttpStatusCode.BadRequest, "invalid_grant");
        await OAuthAssert.IsErrorAsync(longPassword, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task WellKnown_UnknownDocument_Returns404Not5xx()
    {
        using var client = _server.CreateClient();

        using var response = await client.Http.GetAsync(".well-known/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
