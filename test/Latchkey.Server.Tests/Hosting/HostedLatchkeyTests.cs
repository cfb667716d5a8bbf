using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Hosting;

/// <summary>
/// Latchkey inside someone else's application, mapped under a nested group (<c>/auth/v1</c>): its
/// protections follow its endpoints, not the paths <c>/api</c> and <c>/oauth</c>, and the host's own
/// exception handler and status-code pages keep answering for the host's routes.
/// </summary>
public sealed class HostedLatchkeyTests(HostedLatchkeyTests.HostFixture fixture) : IClassFixture<HostedLatchkeyTests.HostFixture>
{
    private const string Foreign = "http://evil.example";
    private readonly HostApp _host = fixture.Host;

    [Fact]
    public async Task Login_UnderNestedGroupFromForeignOrigin_Returns403AndSetsNoCookie()
    {
        using var client = _host.CreateLatchkeyClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.LoginAsync(email, origin: Foreign);

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "origin_not_allowed");
        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Logout_UnderNestedGroupFromForeignOriginWithCsrfToken_Returns403AndSessionStaysAlive()
    {
        using var client = _host.CreateLatchkeyClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.DeleteAsync("api/session", origin: Foreign);

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "origin_not_allowed");
        using var me = await client.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task UnknownPathUnderNestedApiFromForeignOrigin_Returns403()
    {
        using var client = _host.CreateLatchkeyClient();

        using var response = await client.SendAsync(HttpMethod.Post, "api/nothing/here", new { }, csrf: false, origin: Foreign);

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "origin_not_allowed");
    }

    [Fact]
    public async Task CredentialAnswers_UnderNestedGroup_AreNoStore()
    {
        using var client = _host.CreateLatchkeyClient();
        var email = TestData.NewEmail();
        var answers = new List<(string Name, HttpResponseMessage Response)>();
        answers.Add(("signup", await client.PostJsonAsync("api/accounts", new { email, password = TestData.Password }, csrf: false)));
        answers.Add(("login", await client.LoginAsync(email)));
        answers.Add(("session", await client.GetAsync("api/session")));
        answers.Add(("password grant", await client.PostFormAsync("oauth/token", [("grant_type", "password"), ("username", email), ("password", TestData.Password)])));
        answers.Add(("unknown API path", await client.GetAsync("api/nope")));
        answers.Add(("wrong API method", await client.SendAsync(HttpMethod.Put, "api/accounts", new { }, csrf: false)));
        answers.Add(("wrong OAuth method", await client.GetAsync("oauth/token")));
        answers.Add(("unknown OAuth path", await client.PostFormAsync("oauth/nope", [])));
        answers.Add(("body too large", await client.SendAsync(RawRequests.Post("api/accounts", new byte[100 * 1024], "application/json"))));

        foreach (var (name, response) in answers)
        {
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{name} ({(int)response.StatusCode}) has Cache-Control '{response.Headers.CacheControl}'.");
            Assert.True(response.Headers.Pragma.ToString() == "no-cache", $"{name} ({(int)response.StatusCode}) has Pragma '{response.Headers.Pragma}'.");
            response.Dispose();
        }
    }

    [Fact]
    public async Task WrongMethodUnderNestedApi_Returns405ProblemWithAllow()
    {
        using var client = _host.CreateLatchkeyClient();

        using var response = await client.SendAsync(HttpMethod.Put, "api/accounts", new { }, csrf: false);

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Equal("POST", response.Content.Headers.Allow.Single());
    }

    [Fact]
    public async Task UnknownPathUnderNestedApi_Returns404Problem()
    {
        using var client = _host.CreateLatchkeyClient();

        using var response = await client.GetAsync("api/accounts/123");

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task OversizedBodyUnderNestedApi_Returns413ProblemAndCreatesNothing()
    {
        using var client = _host.CreateLatchkeyClient();
        var email = TestData.NewEmail();
        var padding = new string(' ', 100 * 1024);
        var body = System.Text.Encoding.UTF8.GetBytes($"{{\"email\":\"{email}\",\"password\":\"{TestData.Password}\"{padding}}}");

        using var response = await client.SendAsync(RawRequests.Post("api/accounts", body, "application/json"));

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        using var login = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task HostExceptionHandler_StillAnswersTheHostsOwnFailures()
    {
        using var client = _host.CreateRootClient();

        using var response = await client.GetAsync("boom");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("host error", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HostStatusCodePages_StillAnswerTheHostsOwnErrors()
    {
        using var client = _host.CreateRootClient();

        using var missing = await client.GetAsync("no/such/page");
        using var wrongMethod = await client.DeleteAsync("mine");

        Assert.Equal("host status 404", await missing.Content.ReadAsStringAsync());
        Assert.Equal("host status 405", await wrongMethod.Content.ReadAsStringAsync());
        Assert.Null(missing.Headers.CacheControl);
    }

    [Fact]
    public async Task HostRoutes_AreNotLatchkeys_NoOriginCheckAndCacheable()
    {
        using var client = _host.CreateRootClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "mine");
        request.Headers.Add("Origin", Foreign);

        using var post = await client.SendAsync(request);
        using var home = await client.GetAsync("");

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("host post", await post.Content.ReadAsStringAsync());
        Assert.Equal("host home", await home.Content.ReadAsStringAsync());
        Assert.Null(home.Headers.CacheControl);
    }

    /// <summary>One host for the class.</summary>
    public sealed class HostFixture : IAsyncLifetime
    {
        internal HostApp Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await HostApp.StartAsync("/auth/v1");

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }
}
