using System.Net;
using System.Text;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary>
/// Bad request bodies on the JSON endpoints: each is a 4xx problem (never a 5xx) and changes nothing.
/// Bodies are templates: <c>{email}</c> and <c>{pw}</c> stand for a fresh address and a valid password,
/// <c>&lt;0xHH&gt;</c> for a raw byte; so that where the body would have created an account had it
/// been accepted, the test can show it did not.
/// </summary>
public sealed class RequestBodyValidationTests(SharedServerFixture fixture) : IClassFixture<SharedServerFixture>
{
    private const string Json = "application/json";
    private const int DefaultLimit = 16 * 1024;
    private readonly LatchkeyTestServer _server = fixture.Server;
    private readonly LatchkeyDatabase _database = new(fixture.Server.DataDirectory);

    public static TheoryData<string, string?, string, HttpStatusCode, string> BadBodies => new()
    {
        { "TruncatedObject", Json, """{"email":"{email}","password":"{pw}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "FormEncodedTextLabelledJson", Json, "email={email}&password={pw}", HttpStatusCode.BadRequest, "malformed_json" },
        { "TrailingGarbage", Json, """{"email":"{email}","password":"{pw}"} x""", HttpStatusCode.BadRequest, "malformed_json" },
        { "TwoObjects", Json, """{"email":"{email}","password":"{pw}"}{"email":"{email}","password":"{pw}"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "TrailingComma", Json, """{"email":"{email}","password":"{pw}",}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "Comment", Json, """{"email":"{email}",/* c */"password":"{pw}"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "SingleQuotes", Json, "{'email':'{email}','password':'{pw}'}", HttpStatusCode.BadRequest, "malformed_json" },
        { "UnquotedNames", Json, """{email:"{email}",password:"{pw}"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "ArrayOfTheObject", Json, """[{"email":"{email}","password":"{pw}"}]""", HttpStatusCode.BadRequest, "malformed_json" },
        { "Number", Json, "42", HttpStatusCode.BadRequest, "malformed_json" },
        { "Null", Json, "null", HttpStatusCode.BadRequest, "malformed_json" },
        { "String", Json, "\"{email}\"", HttpStatusCode.BadRequest, "malformed_json" },
        { "Boolean", Json, "true", HttpStatusCode.BadRequest, "malformed_json" },
        { "EmailAsNumber", Json, """{"email":42,"password":"{pw}"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "EmailAsArray", Json, """{"email":["{email}"],"password":"{pw}"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "EmailAsObject", Json, """{"email":{"address":"{email}"},"password":"{pw}"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "EmailAsBoolean", Json, """{"email":true,"password":"{pw}"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "PasswordAsNumber", Json, """{"email":"{email}","password":12345678}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "PasswordAsArray", Json, """{"email":"{email}","password":["{pw}"]}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "DuplicateEmail", Json, """{"email":"other-{email}","email":"{email}","password":"{pw}"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "DuplicateEmailInOtherCase", Json, """{"email":"other-{email}","EMAIL":"{email}","password":"{pw}"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "DuplicatePassword", Json, """{"email":"{email}","password":"first password","password":"{pw}"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "DeeplyNestedExtraProperty", Json, """{"email":"{email}","password":"{pw}","x":""" + new string('[', 1000) + new string(']', 1000) + "}", HttpStatusCode.BadRequest, "malformed_json" },
        { "DeeplyNestedObjects", Json, string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000), HttpStatusCode.BadRequest, "malformed_json" },
        { "Empty", Json, string.Empty, HttpStatusCode.BadRequest, "malformed_json" },
        { "OnlyWhitespace", Json, "   \r\n ", HttpStatusCode.BadRequest, "malformed_json" },
        { "InvalidUtf8InEmail", Json, """{"email":"<0xFF><0xFE>{email}","password":"{pw}"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "InvalidUtf8InPassword", Json, """{"email":"{email}","password":"{pw}<0xC3>"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "OverlongUtf8Slash", Json, """{"email":"{email}","password":"{pw}<0xC0><0xAF>"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "Utf8EncodedSurrogate", Json, """{"email":"{email}","password":"{pw}<0xED><0xA0><0x80>"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "LoneHighSurrogateInEmail", Json, """{"email":"\ud800{email}","password":"{pw}"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "LoneLowSurrogateInPassword", Json, """{"email":"{email}","password":"{pw}\udc00"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "ReversedSurrogatePairInPassword", Json, """{"email":"{email}","password":"\udc00\ud800{pw}"}""", HttpStatusCode.BadRequest, "malformed_json" },
        { "NulEscapeInEmail", Json, """{"email":"{email}\u0000","password":"{pw}"}""", HttpStatusCode.BadRequest, "validation_failed" },
        { "TextPlain", "text/plain", """{"email":"{email}","password":"{pw}"}""", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type" },
        { "FormUrlEncoded", "application/x-www-form-urlencoded", "email={email}&password={pw}", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type" },
        { "MultipartForm", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n{email}\r\n--b--\r\n", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type" },
        { "NoContentType", null, """{"email":"{email}","password":"{pw}"}""", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type" },
        { "JsonWithUtf16Charset", "application/json; charset=utf-16", """{"email":"{email}","password":"{pw}"}""", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type" },
        { "GarbageContentType", "%%%", """{"email":"{email}","password":"{pw}"}""", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type" },
    };

    public static TheoryData<string> JsonContentTypes => new()
    {
        "application/json",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        "Application/JSON",
    };

    public static TheoryData<string, bool> Transfers => new()
    {
        { "ContentLength", false },
        { "Chunked", true },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Register_WithBadBody_ReturnsProblemAndCreatesNothing(
        string name, string? contentType, string template, HttpStatusCode status, string code)
    {
        _ = name;
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var countBefore = _database.CountAccounts();

        using var response = await client.SendAsync(RawRequests.Post("api/accounts", Fill(template, email), contentType), csrf: false);

        await ProblemDetailsAssert.IsProblemAsync(response, status, code);
        Assert.Equal(countBefore, _database.CountAccounts());
        await client.RegisterAsync(email);
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Login_WithBadBody_ReturnsProblemAndSetsNoCookie(
        string name, string? contentType, string template, HttpStatusCode status, string code)
    {
        _ = name;
        _ = code;
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var id = (await client.RegisterAsync(email))["id"]!.GetValue<string>();

        using var response = await client.SendAsync(RawRequests.Post("api/session", Fill(template, email), contentType), csrf: false);

        // Login may judge some bodies as wrong credentials rather than malformed; either way a 4xx.
        ProblemDetailsAssert.IsClientError(response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (status == HttpStatusCode.UnsupportedMediaType)
        {
            Assert.Equal(status, response.StatusCode);
        }

        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
        Assert.Equal(0, _database.CountSessions(id));
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task ChangePassword_WithBadBody_ReturnsProblemAndKeepsPassword(
        string name, string? contentType, string template, HttpStatusCode status, string code)
    {
        _ = name;
        _ = code;
        using var client = _server.CreateClient();
        var id = await client.SignUpAndLoginAsync();
        var hashBefore = _database.PasswordHashOf(id);

        // The same templates with the right current password and a valid new one: accepted, they would change it.
        var renamed = template.Replace("\"email\"", "\"currentPassword\"", StringComparison.Ordinal).Replace("\"EMAIL\"", "\"CURRENTPASSWORD\"", StringComparison.Ordinal)
            .Replace("\"password\"", "\"newPassword\"", StringComparison.Ordinal);
        var body = Fill(renamed, TestData.Password, "a brand new password");

        using var response = await client.SendAsync(RawRequests.Post("api/account/password", body, contentType));

        ProblemDetailsAssert.IsClientError(response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (status == HttpStatusCode.UnsupportedMediaType)
        {
            Assert.Equal(status, response.StatusCode);
        }

        Assert.Equal(hashBefore, _database.PasswordHashOf(id));
        using var me = await client.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Theory]
    [MemberData(nameof(JsonContentTypes))]
    public async Task Register_WithJsonContentTypeVariant_Returns201(string contentType)
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();

        using var response = await client.SendAsync(RawRequests.Post("api/accounts", Fill("""{"email":"{email}","password":"{pw}"}""", email), contentType), csrf: false);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Transfers))]
    public async Task Register_BodyOneByteOverLimit_Returns413AndCreatesNothing(string name, bool chunked)
    {
        _ = name;
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var countBefore = _database.CountAccounts();

        // Valid JSON padded with whitespace: only its size is wrong.
        var body = RawRequests.PaddedCredentials(email, TestData.Password, DefaultLimit + 1);
        using var response = await client.SendAsync(RawRequests.Post("api/accounts", body, Json, chunked), csrf: false);

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(countBefore, _database.CountAccounts());
        await client.RegisterAsync(email);
    }

    [Theory]
    [MemberData(nameof(Transfers))]
    public async Task Register_BodyFarOverLimit_Returns413AndCreatesNothing(string name, bool chunked)
    {
        _ = name;
        var email = TestData.NewEmail();
        var countBefore = _database.CountAccounts();

        var body = RawRequests.PaddedCredentials(email, TestData.Password, 200 * 1024);

        // Kestrel answers 413 before the body is read and closes, possibly while the client still writes; a socket
        // reads that answer whatever happens to the write.
        var (status, headers, answer) = await RawRequests.PostOverSocketAsync(_server.BaseAddress, "api/accounts", body, Json, chunked);

        Assert.Equal(413, status);
        Assert.Contains("application/problem+json", headers, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("payload_too_large", System.Text.Json.Nodes.JsonNode.Parse(answer)!["code"]!.GetValue<string>());
        Assert.Equal(countBefore, _database.CountAccounts());

        // The email is still free.
        using var next = _server.CreateClient();
        await next.RegisterAsync(email);
    }

    [Theory]
    [MemberData(nameof(Transfers))]
    public async Task Register_BodyExactlyAtLimit_Returns201(string name, bool chunked)
    {
        _ = name;
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();

        var body = RawRequests.PaddedCredentials(email, TestData.Password, DefaultLimit);
        using var response = await client.SendAsync(RawRequests.Post("api/accounts", body, Json, chunked), csrf: false);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Transfers))]
    public async Task Login_BodyOverLimit_Returns413AndSetsNoCookie(string name, bool chunked)
    {
        _ = name;
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        var body = RawRequests.PaddedCredentials(email, TestData.Password, DefaultLimit + 1);
        using var response = await client.SendAsync(RawRequests.Post("api/session", body, Json, chunked), csrf: false);

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
    }

    [Fact]
    public async Task ChangePassword_BodyOverLimit_Returns413AndKeepsPassword()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.SignUpAndLoginAsync(email);
        var json = $$"""{"currentPassword":"{{TestData.Password}}","newPassword":"a brand new password"}""";

        using var response = await client.SendAsync(RawRequests.Post("api/account/password", Encoding.UTF8.GetBytes(json.PadRight(DefaultLimit + 1)), Json));

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        using var other = _server.CreateClient();
        using var login = await other.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Register_WithFieldsFarBeyondTheirLimitsInsideBodyLimit_Returns400()
    {
        using var client = _server.CreateClient();
        var countBefore = _database.CountAccounts();

        using var response = await client.PostJsonAsync(
            "api/accounts", new { email = new string('a', 6000) + "@example.com", password = new string('p', 6000) }, csrf: false);

        var problem = await ProblemDetailsAssert.IsValidationProblemAsync(response, "email");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("password"));
        Assert.Equal(countBefore, _database.CountAccounts());
    }

    [Fact]
    public async Task Register_WithUnknownExtraProperty_IgnoresItAndReturns201()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();

        using var response = await client.PostJsonAsync("api/accounts", new { email, password = TestData.Password, isAdmin = true }, csrf: false);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["email", "id"], (await response.ReadJsonObjectAsync()).Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Register_WithLimitConfiguredLower_HonoursConfiguredLimit()
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:MaxRequestBodyBytes"] = "2048";
        await using var server = await LatchkeyTestServer.StartAsync(options);
        using var client = server.CreateClient();
        var tooLarge = TestData.NewEmail();
        var atLimit = TestData.NewEmail();

        using var refused = await client.SendAsync(RawRequests.Post("api/accounts", RawRequests.PaddedCredentials(tooLarge, TestData.Password, 2049), Json), csrf: false);
        using var accepted = await client.SendAsync(RawRequests.Post("api/accounts", RawRequests.PaddedCredentials(atLimit, TestData.Password, 2048), Json), csrf: false);

        await ProblemDetailsAssert.IsProblemAsync(refused, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        await client.RegisterAsync(tooLarge);
    }

    private static byte[] Fill(string template, string email, string password = TestData.Password) =>
        RawRequests.Bytes(template.Replace("{email}", email, StringComparison.Ordinal).Replace("{pw}", password, StringComparison.Ordinal));
}
