using System.Net;
using System.Net.Http.Json;
using Latchkey.Samples.HostedApp;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Latchkey.Server.Tests.Samples;

/// <summary>
/// The sample that hosts Latchkey inside an existing application (samples/Latchkey.Samples.HostedApp),
/// started on Kestrel and driven over HTTP: its own pages and error handling are untouched, sign-up and
/// sign-in go through Latchkey under <c>/auth</c>, its notes API takes the session or a bearer token, and
/// Latchkey's origin check and <c>no-store</c> hold under the prefix.
/// </summary>
public sealed class HostedAppTests(HostedAppTests.SampleFixture fixture) : IClassFixture<HostedAppTests.SampleFixture>
{
    private const string Foreign = "http://evil.example";
    private readonly SampleFixture _sample = fixture;

    [Fact]
    public async Task OwnPages_AreTheApplications()
    {
        using var client = _sample.RootClient();

        using var home = await client.GetAsync("");
        using var about = await client.GetAsync("about");

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("<h1>Notes</h1>", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("<h1>About Notes</h1>", await about.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(home.Headers.CacheControl);
    }

    [Fact]
    public async Task OwnErrorHandling_AnswersItsFailuresAndMissingPages()
    {
        using var client = _sample.RootClient();

        using var broken = await client.GetAsync("reports/broken");
        using var missing = await client.GetAsync("no/such/page");

        Assert.Equal(HttpStatusCode.InternalServerError, broken.StatusCode);
        Assert.Equal("text/html", broken.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Something went wrong", await broken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("Notes: 404", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotesApi_WithoutCredentials_Returns401()
    {
        using var client = _sample.RootClient();

        using var response = await client.GetAsync("api/notes");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SignUpAndLoginUnderPrefix_ThenNotesApiWithSession_ReadsAndWritesTheUsersNotes()
    {
        using var client = _sample.LatchkeyClient();
        await client.SignUpAndLoginAsync();

        using var written = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, _sample.Url("api/notes")) { Content = JsonContent.Create(new { text = "buy milk" }) });
        using var read = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, _sample.Url("api/notes")), csrf: false);

        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var notes = await read.ReadJsonArrayAsync();
        Assert.Equal("buy milk", Assert.Single(notes)!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task NotesApi_WithSessionButNoCsrfToken_RefusesTheWrite()
    {
        using var client = _sample.LatchkeyClient();
        await client.SignUpAndLoginAsync();

        using var refused = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, _sample.Url("api/notes")) { Content = JsonContent.Create(new { text = "forged" }) }, csrf: false);
        using var read = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, _sample.Url("api/notes")), csrf: false);

        await ProblemDetailsAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "csrf_token_invalid");
        Assert.Empty(await read.ReadJsonArrayAsync());
    }

    [Fact]
    public async Task NotesApi_WithBearerTokenFromThePrefixedTokenEndpoint_ReadsAndWrites()
    {
        using var client = _sample.LatchkeyClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        var pair = await TokenPair.ReadAsync(await client.PasswordGrantAsync(email));

        using var written = await client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, _sample.Url("api/notes")) { Content = JsonContent.Create(new { text = "from a script" }) },
            csrf: false, bearer: pair.AccessToken, cookie: false);
        using var read = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, _sample.Url("api/notes")), csrf: false, bearer: pair.AccessToken, cookie: false);

        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        Assert.Equal("from a script", Assert.Single(await read.ReadJsonArrayAsync())!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task LatchkeyUnderPrefix_RefusesForeignOriginAndAnswersNoStore()
    {
        using var client = _sample.LatchkeyClient();
        var email = TestData.NewEmail();
        using var signup = await client.PostJsonAsync("api/accounts", new { email, password = TestData.Password }, csrf: false);

        using var foreignLogin = await client.LoginAsync(email, origin: Foreign);
        using var login = await client.LoginAsync(email);
        using var wrongMethod = await client.GetAsync("api/accounts");

        await ProblemDetailsAssert.IsProblemAsync(foreignLogin, HttpStatusCode.Forbidden, "origin_not_allowed");
        Assert.Null(LatchkeyTestClient.SessionSetCookie(foreignLogin));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        await ProblemDetailsAssert.IsProblemAsync(wrongMethod, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        foreach (var response in (HttpResponseMessage[])[signup, foreignLogin, login, wrongMethod])
        {
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            Assert.Equal("no-cache", response.Headers.Pragma.ToString());
        }
    }

    /// <summary>The sample on a free port with a fresh data directory; its log is scanned for secrets at the end.</summary>
    public sealed class SampleFixture : IAsyncLifetime
    {
        private readonly LogCapture _logs = new();
        private readonly SecretWatch _secrets = new();
        private readonly string _dataDirectory = LatchkeyTestServer.NewDataDirectory();
        private WebApplication _app = null!;
        private Uri _root = null!;

        /// <summary>An address in the application, outside Latchkey's prefix.</summary>
        public Uri Url(string path) => new(_root, path);

        public HttpClient RootClient() => new() { BaseAddress = _root };

        /// <summary>A client whose relative paths resolve under <c>/auth/</c>.</summary>
        public LatchkeyTestClient LatchkeyClient() => new(new Uri(_root, HostedApp.LatchkeyPrefix.Trim('/') + "/"), _secrets);

        public async Task InitializeAsync()
        {
            _app = HostedApp.Build(
                [
                    "--urls", "http://127.0.0.1:0",
                    $"--Latchkey:DataDirectory={_dataDirectory}",
                    "--Latchkey:Passwords:MemorySizeKiB=1024",
                    "--Latchkey:Passwords:Iterations=1",
                ],
                builder =>
                {
                    builder.Environment.EnvironmentName = "Production";
                    builder.Logging.AddProvider(_logs);
                    builder.Logging.AddFilter<LogCapture>(null, LogLevel.Trace);
                    builder.Services.AddSingleton<IStartupFilter>(new SecretRecordingStartupFilter(_secrets));
                });
            await _app.StartAsync();
            _root = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        }

        public async Task DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            Directory.Delete(_dataDirectory, recursive: true);
            _secrets.Scan(_logs.Entries).ThrowIfLeaked();
        }
    }
}
