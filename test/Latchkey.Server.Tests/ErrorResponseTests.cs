using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary>Routing failures on the API are problem details too.</summary>
public sealed class ErrorResponseTests(SharedServerFixture fixture) : IClassFixture<SharedServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    public static TheoryData<string, string> UnknownApiPaths => new()
    {
        { "GET", "api/nope" },
        { "GET", "api/accounts/123" },
        { "POST", "api/me/extra" },
        { "GET", "api" },
    };

    public static TheoryData<string, string> WrongMethods => new()
    {
        { "GET", "api/accounts" },
        { "PUT", "api/accounts" },
        { "DELETE", "api/me" },
        { "POST", "api/me" },
        { "GET", "api/account/password" },
        { "PATCH", "api/session" },
        { "POST", "healthz" },
    };

    [Theory]
    [MemberData(nameof(UnknownApiPaths))]
    public async Task Request_ToUnknownApiPath_Returns404Problem(string method, string path)
    {
        using var client = _server.CreateClient();

        using var response = await client.SendAsync(new HttpMethod(method), path, csrf: false);

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [MemberData(nameof(WrongMethods))]
    public async Task Request_WithWrongMethod_Returns405Problem(string method, string path)
    {
        using var client = _server.CreateClient();

        using var response = await client.SendAsync(new HttpMethod(method), path, csrf: false);

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Fact]
    public async Task Request_WithWrongMethodAndSession_Returns405AndKeepsSession()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.SendAsync(HttpMethod.Put, "api/me", new { email = "x@example.com" });

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        using var me = await client.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }
}
