// dotnet run -c Release --project bench/Latchkey.Benchmarks -- --filter '*SessionRequestBenchmarks*' --inProcess
using System.Net;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Latchkey.Accounts;
using Latchkey.Security;
using Latchkey.Server;
using Latchkey.Sessions;
using Latchkey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Latchkey.Benchmarks;

/// <summary>
/// Whole requests through the server's real pipeline (the <see cref="LatchkeyServer.Build"/> composition,
/// hosting, middleware, routing, authentication, authorization, endpoint, JSON), handed to it the way
/// Kestrel hands them, without the sockets: <c>GET /healthz</c>, <c>GET /api/me</c> with a session cookie
/// (in-memory tier hit), <c>GET /api/me</c> with one bearer token reused, and a cookie-authenticated
/// <c>DELETE /api/sessions/{id}</c> for an unknown id (CSRF token checked, nothing deleted). The allocated
/// column is the cost per request that the load harness cannot show.
/// </summary>
[MemoryDiagnoser]
public class SessionRequestBenchmarks
{
    private WebApplication _app = null!;
    private CapturingServer _server = null!;
    private string _cookie = null!;
    private string _csrfToken = null!;
    private string _bearer = null!;
    private string _directory = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Directory.CreateTempSubdirectory("latchkey-bench-").FullName;
        _app = LatchkeyServer.Build(
            [
                "--urls", "http://127.0.0.1:0", $"--Latchkey:DataDirectory={_directory}", "--Latchkey:Issuer=http://127.0.0.1",
                "--Latchkey:Passwords:MemorySizeKiB=1024", "--Latchkey:Passwords:Iterations=1",
            ],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Services.AddSingleton<IServer, CapturingServer>();
            });
        await _app.StartAsync();
        _server = (CapturingServer)_app.Services.GetRequiredService<IServer>();

        var services = _app.Services;
        var account = (await services.GetRequiredService<AccountService>()
            .RegisterAsync(TestData.NewEmail(), TestData.Password, IPAddress.Loopback, CancellationToken.None)).Account!;
        var session = await services.GetRequiredService<SessionManager>()
            .CreateAsync(account.Id, new RequestOrigin(IPAddress.Loopback, "bench"), CancellationToken.None);
        _cookie = "latchkey_session=" + session.RawId;
        _csrfToken = session.CsrfToken;
        using (var minted = new MemoryStream())
        {
            // A token minted from the session over HTTP (POST /api/session/token), as a browser would.
            _ = await SendAsync("POST", "/api/session/token", _cookie, _csrfToken, null, minted);
            _bearer = "Bearer " + JsonDocument.Parse(minted.ToArray()).RootElement.GetProperty("access_token").GetString();
        }

        foreach (var (status, run) in new (int, Func<Task<int>>)[] { (200, Healthz), (200, MeCookie), (200, MeBearer), (404, DeleteUnknownSession) })
        {
            var answered = await run();
            if (answered != status)
            {
                throw new InvalidOperationException($"A benchmark request answered {answered}, not {status}.");
            }
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task<int> Healthz() => SendAsync("GET", "/healthz", null, null, null, Stream.Null);

    [Benchmark]
    public Task<int> MeCookie() => SendAsync("GET", "/api/me", _cookie, null, null, Stream.Null);

    [Benchmark]
    public Task<int> MeBearer() => SendAsync("GET", "/api/me", null, null, _bearer, Stream.Null);

    [Benchmark]
    public Task<int> DeleteUnknownSession() => SendAsync("DELETE", "/api/sessions/unknown", _cookie, _csrfToken, null, Stream.Null);

    private async Task<int> SendAsync(string method, string path, string? cookie, string? csrfToken, string? authorization, Stream body)
    {
        var request = new HttpRequestFeature { Method = method, Path = path, Scheme = "http", Protocol = "HTTP/1.1" };
        request.Headers.Host = "127.0.0.1";
        if (cookie is not null)
        {
            request.Headers.Cookie = cookie;
        }

        if (csrfToken is not null)
        {
            request.Headers["X-CSRF-Token"] = csrfToken;
        }

        if (authorization is not null)
        {
            request.Headers.Authorization = authorization;
        }

        var response = new HttpResponseFeature();
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature { RemoteIpAddress = IPAddress.Loopback, LocalIpAddress = IPAddress.Loopback });
        return await _server.ProcessAsync(features, response);
    }

    /// <summary>A server without sockets: it keeps the application the host starts it with and runs requests through it.</summary>
    private sealed class CapturingServer : IServer
    {
        private Func<IFeatureCollection, HttpResponseFeature, Task<int>>? _process;

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task<int> ProcessAsync(IFeatureCollection features, HttpResponseFeature response) =>
            (_process ?? throw new InvalidOperationException("The server has not started."))(features, response);

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull
        {
            _process = async (features, response) =>
            {
                var context = application.CreateContext(features);
                Exception? failure = null;
                try
                {
                    await application.ProcessRequestAsync(context);
                }
                catch (Exception ex)
                {
                    failure = ex;
                    throw;
                }
                finally
                {
                    application.DisposeContext(context, failure);
                }

                return response.StatusCode;
            };
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
