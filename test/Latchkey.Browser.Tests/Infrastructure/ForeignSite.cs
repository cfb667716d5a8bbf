using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Latchkey.Browser.Tests.Infrastructure;

/// <summary>
/// An attacker's site on another 127.0.0.1 port (same site, another origin, so a SameSite=Lax cookie
/// still rides along): its page runs credentialed fetches against Latchkey's unsafe endpoints and
/// offers a cross-site form that POSTs to the password change.
/// </summary>
public sealed class ForeignSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ForeignSite(WebApplication app, string origin)
    {
        _app = app;
        Origin = origin;
    }

    /// <summary>The site's origin.</summary>
    public string Origin { get; }

    /// <summary>Starts the site, aiming its page at <paramref name="target"/> (Latchkey's origin).</summary>
    public static async Task<ForeignSite> StartAsync(string target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var html = Page.Replace("{TARGET}", target, StringComparison.Ordinal);
        app.MapGet("/", () => Results.Content(html, "text/html; charset=utf-8"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ForeignSite(app, address.TrimEnd('/'));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // The attack page: no CSP of its own, inline script, as a real attacker's page would be.
    private const string Page = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Win a prize</title></head>
        <body>
        <h1>Win a prize</h1>
        <form id="steal" method="post" action="{TARGET}/api/account/password" enctype="text/plain">
          <input type="hidden" name='{"currentPassword":"x","newPassword":"' value='pwned-password"}'>
          <button type="submit">Claim</button>
        </form>
        <pre id="log"></pre>
        <script>
        const target = '{TARGET}';
        const attempts = [
          ['DELETE', '/api/sessions', 'cors'],
          ['POST', '/api/session/token', 'cors'],
          ['POST', '/api/session/token', 'no-cors'],
          ['POST', '/api/account/password', 'no-cors'],
        ];
        async function attack() {
          const log = [];
          for (const [method, path, mode] of attempts) {
            try {
              const response = await fetch(target + path, {
                method, mode, credentials: 'include',
                headers: mode === 'cors' ? { 'Content-Type': 'application/json' } : {},
                body: method === 'POST' ? '{"currentPassword":"x","newPassword":"pwned-password"}' : undefined,
              });
              log.push(`${method} ${path} ${mode}: ${response.type} ${response.status}`);
            } catch (error) {
              log.push(`${method} ${path} ${mode}: blocked`);
            }
          }
          document.getElementById('log').textContent = log.join('\n');
          document.body.dataset.done = 'true';
          return log;
        }
        window.attack = attack;
        </script>
        </body>
        </html>
        """;
}
