using System.Net.Http.Headers;
using Latchkey.AspNetCore.ResourceServer;
using Latchkey.Samples.ResourceApi;
using Latchkey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.ResourceServer.Tests.Infrastructure;

/// <summary>
/// The sample resource API (the same <see cref="ResourceApi.Build"/> that its <c>Program</c> runs) on Kestrel
/// at 127.0.0.1 with a free port, with its clock replaced and the key cache's requests counted.
/// </summary>
public sealed class ResourceApiHost : IAsyncDisposable
{
    private readonly HttpClient _http;

    private ResourceApiHost(WebApplication app, Uri baseAddress, RequestLog requests, LogCapture logs)
    {
        App = app;
        BaseAddress = baseAddress;
        Requests = requests;
        Logs = logs;
        _http = new HttpClient { BaseAddress = baseAddress };
    }

    public WebApplication App { get; }

    /// <summary>Where the API listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>What the key cache asked Latchkey for.</summary>
    public RequestLog Requests { get; }

    /// <summary>Every log line of the API, at every level.</summary>
    public LogCapture Logs { get; }

    /// <summary>The key cache of the API's bearer scheme.</summary>
    public LatchkeyKeyCache KeyCache
    {
        get
        {
            var options = App.Services.GetRequiredService<IOptionsMonitor<LatchkeyBearerOptions>>().Get(LatchkeyBearerDefaults.AuthenticationScheme);
            return App.Services.GetRequiredService<LatchkeyBearerStates>().Get(LatchkeyBearerDefaults.AuthenticationScheme, options).Keys;
        }
    }

    /// <summary>Starts the API trusting <paramref name="authority"/>, on <paramref name="time"/>.</summary>
    public static async Task<ResourceApiHost> StartAsync(string authority, TimeProvider time, Action<WebApplicationBuilder>? configure = null)
    {
        var requests = new RequestLog();
        var logs = new LogCapture();
        var app = ResourceApi.Build(
            ["--urls", "http://127.0.0.1:0", $"--Latchkey:Authority={authority}", "--Logging:LogLevel:Default=Warning"],
            builder =>
            {
                builder.Services.RemoveAll<TimeProvider>();
                builder.Services.AddSingleton(time);
                builder.Services.AddHttpClient(LatchkeyBearerDefaults.HttpClientName).AddHttpMessageHandler(requests.CreateHandler);
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
                builder.Logging.AddFilter<LogCapture>((_, _) => true);
                configure?.Invoke(builder);
            });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ResourceApiHost(app, new Uri(address + "/"), requests, logs);
    }

    /// <summary>GETs <paramref name="path"/>, with <c>Authorization: Bearer</c> when <paramref name="token"/> is set.</summary>
    public Task<HttpResponseMessage> GetAsync(string path, string? token = null) =>
        SendAsync(path, token is null ? null : new AuthenticationHeaderValue("Bearer", token));

    /// <summary>GETs <paramref name="path"/> with a raw Authorization header.</summary>
    public async Task<HttpResponseMessage> SendAsync(string path, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        return await _http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
