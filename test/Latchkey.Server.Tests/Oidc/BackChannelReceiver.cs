using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Latchkey.Server.Tests.Oidc;

/// <summary>
/// A relying party's back-channel logout endpoint in the test process: <c>POST /{name}</c> records the form's
/// <c>logout_token</c> and answers 200, except that <c>/flaky</c> answers 500 to the first token of each session.
/// </summary>
public sealed class BackChannelReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _refusals = new(StringComparer.Ordinal);

    private BackChannelReceiver(WebApplication app) => _app = app;

    /// <summary>Every POST received, in order: the path's name, the token, whether it was accepted.</summary>
    public ConcurrentQueue<Received> Posts { get; } = new();

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Origin { get; private set; } = string.Empty;

    public static async Task<BackChannelReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new BackChannelReceiver(app);
        app.MapPost("/{name}", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Origin = app.Urls.First().TrimEnd('/');
        return receiver;
    }

    /// <summary>Waits until a token that <paramref name="match"/> accepts has been received (accepted or not), or fails after 15 seconds.</summary>
    public async Task<Received> WaitForAsync(Func<Received, bool> match, bool accepted = true)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (Posts.FirstOrDefault(p => p.Accepted == accepted && match(p)) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"No back-channel logout arrived in 15 s; received: {string.Join(", ", Posts.Select(p => p.Name + ":" + p.SessionId))}");
        return null!;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(string name, HttpContext context)
    {
        if (!context.Request.HasFormContentType || !context.Request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal))
        {
            return Results.BadRequest();
        }

        var form = await context.Request.ReadFormAsync();
        var token = form["logout_token"].ToString();
        var sid = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).TryGetPayloadValue<string>("sid", out var value) ? value : string.Empty;
        var refuse = name == "flaky" && _refusals.AddOrUpdate(sid, 1, (_, n) => n + 1) == 1;
        Posts.Enqueue(new Received(name, token, sid, !refuse, form.Count));
        return refuse ? Results.StatusCode(500) : Results.Ok();
    }

    /// <summary>One POST.</summary>
    public sealed record Received(string Name, string Token, string SessionId, bool Accepted, int FormFields);
}
