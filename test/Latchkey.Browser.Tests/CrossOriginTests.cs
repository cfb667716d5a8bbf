using System.Collections.Concurrent;
using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Browser.Tests;

/// <summary>
/// A page of another origin (another port of 127.0.0.1, hence the same site: the SameSite=Lax cookie
/// is sent) tries a cross-site form POST and credentialed fetches against the unsafe endpoints.
/// </summary>
public sealed class CrossOriginTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ForeignPage_FormPostAndCredentialedFetch_RefusedAndSessionSurvives()
    {
        var email = await fixture.RegisterAsync();
        await using var site = await ForeignSite.StartAsync(fixture.Origin);
        await using var tab = await fixture.NewTabAsync();
        await tab.SignInAsync(email);
        var sessionCookie = (await tab.Context.CookiesAsync()).Single(c => c.Name == "latchkey_session").Value;

        // Every response from Latchkey to an unsafe request, as the browser saw it (opaque ones included).
        var unsafeAnswers = new ConcurrentQueue<string>();
        tab.Context.Response += (_, response) =>
        {
            var request = response.Request;
            if (request.Url.StartsWith(fixture.Origin, StringComparison.Ordinal) && request.Method is not ("GET" or "HEAD" or "OPTIONS"))
            {
                unsafeAnswers.Enqueue($"{request.Method} {new Uri(request.Url).AbsolutePath} {response.Status}");
            }
        };

        var attacker = await tab.NewPageAsync();
        await attacker.GotoAsync(site.Origin + "/");
        var log = await attacker.EvaluateAsync<string[]>("() => window.attack()");

        // The preflighted DELETE and JSON POST never get past CORS; the simple POSTs reach the server and get 403.
        Assert.Contains("DELETE /api/sessions cors: blocked", log);
        Assert.Contains("POST /api/session/token cors: blocked", log);
        Assert.Contains("POST /api/session/token no-cors: opaque 0", log);

        // The cross-site form POST navigates to Latchkey's refusal.
        var formAnswer = await attacker.RunAndWaitForResponseAsync(
            () => attacker.GetByRole(AriaRole.Button, new() { Name = "Claim" }).ClickAsync(),
            r => r.Url.EndsWith("/api/account/password", StringComparison.Ordinal));
        Assert.Equal(403, formAnswer.Status);
        await BrowserFixture.ScreenshotAsync(attacker, "foreign-form-refused");

        Assert.NotEmpty(unsafeAnswers);
        Assert.All(unsafeAnswers, answer => Assert.EndsWith(" 403", answer, StringComparison.Ordinal));
        Assert.Contains("POST /api/account/password 403", unsafeAnswers);

        // The session survives: same cookie, account page still there, and the password never changed.
        Assert.Equal(sessionCookie, (await tab.Context.CookiesAsync()).Single(c => c.Name == "latchkey_session").Value);
        await tab.Page.ReloadAsync();
        await Assertions.Expect(tab.Page.Locator("#user-email")).ToHaveTextAsync(email);
        await Assertions.Expect(tab.Page.Locator(".session")).ToHaveCountAsync(1);
        using var client = fixture.Server.CreateClient();
        using var login = await client.LoginAsync(email, TestData.Password);
        Assert.True(login.IsSuccessStatusCode);
    }

    [Fact]
    public async Task ForeignPage_CannotFrameLatchkey()
    {
        await using var site = await ForeignSite.StartAsync(fixture.Origin);
        await using var tab = await fixture.NewTabAsync();
        await tab.Page.GotoAsync(site.Origin + "/");
        var frameLoaded = await tab.Page.EvaluateAsync<bool>(
            """
            (url) => new Promise(resolve => {
              const frame = document.createElement('iframe');
              frame.src = url;
              frame.onload = () => { try { resolve(frame.contentDocument !== null && frame.contentWindow.location.href !== 'about:blank'); } catch { resolve(false); } };
              document.body.append(frame);
              setTimeout(() => resolve(false), 3000);
            })
            """,
            fixture.Origin + "/signin");
        Assert.False(frameLoaded);
        Assert.Contains(tab.ConsoleErrors, m => m.Contains("frame-ancestors", StringComparison.Ordinal) || m.Contains("X-Frame-Options", StringComparison.Ordinal));
    }
}
