using System.Net;
using Latchkey.Browser.Tests.Infrastructure;

namespace Latchkey.Browser.Tests;

/// <summary>
/// The single-page sample (samples/Latchkey.Samples.Spa), a public client on another origin, against a real Latchkey in
/// Chromium: a silent attempt without a session, sign-in and consent on Latchkey's pages, the code exchanged from the
/// script (CORS), the ID token checked with WebCrypto, userinfo, refresh rotation, silent sign-in on reload, and
/// RP-initiated logout; under the sample's strict CSP, with no token left in web storage.
/// </summary>
public sealed class SpaTests(SpaFixture fixture) : IClassFixture<SpaFixture>
{
    [Fact]
    public async Task Spa_SignsIn_Refreshes_SignsInSilentlyOnReload_AndSignsOut()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;

        // No Latchkey session: the silent attempt comes back with login_required, and the page offers the button.
        await page.GotoAsync(fixture.SpaOrigin + "/");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Latchkey" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, fixture.Origin + "/signin?**");
        await BrowserTab.FillSignInAsync(page, email);
        await BrowserTab.WaitForUrlAsync(page, fixture.Origin + "/consent?**");
        await Assertions.Expect(page.Locator("#client-id")).ToHaveTextAsync(SpaFixture.ClientId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();

        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Signed in");
        await Assertions.Expect(page.Locator("#user-email")).ToHaveTextAsync(email);
        await Assertions.Expect(page.Locator("#user-amr")).ToHaveTextAsync("pwd");
        Assert.Equal(fixture.SpaOrigin + "/", page.Url);
        var subject = await page.Locator("#user-sub").TextContentAsync();
        Assert.False(string.IsNullOrEmpty(subject));

        // Refresh tokens rotate from the script, twice: the second refresh uses the first one's successor.
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh the access token" }).ClickAsync();
        await Assertions.Expect(page.Locator("#refreshes")).ToHaveTextAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh the access token" }).ClickAsync();
        await Assertions.Expect(page.Locator("#refreshes")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#error")).ToBeHiddenAsync();

        // Tokens live in memory only: nothing in localStorage, nothing left in sessionStorage once the flow is done.
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length + sessionStorage.length"));

        // A reload forgets the tokens; the silent attempt (prompt=none) signs in again on Latchkey's session.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Signed in");
        await Assertions.Expect(page.Locator("#user-sub")).ToHaveTextAsync(subject!);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Signed out of Latchkey");
        Assert.Equal(fixture.SpaOrigin + "/", page.Url);
        var session = await tab.Context.APIRequest.GetAsync(fixture.Origin + "/api/session");
        Assert.Equal((int)HttpStatusCode.Unauthorized, session.Status);

        Assert.Empty(tab.CspViolations);
        Assert.True(tab.ConsoleErrors.Count == 0, string.Join("\n", tab.ConsoleErrors));
    }

    [Fact]
    public async Task Spa_RefusesAnAnswerItDidNotAskFor()
    {
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        await page.GotoAsync(fixture.SpaOrigin + "/");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");

        // A code planted in a link (login CSRF, code injection) with a state this tab never issued.
        await page.EvaluateAsync("sessionStorage.setItem('latchkey-sample.sign-in', JSON.stringify({ verifier: 'v', state: 'mine', nonce: 'n' }))");
        await page.GotoAsync(fixture.SpaOrigin + $"/?code=lk_ac_planted&state=theirs&iss={Uri.EscapeDataString(fixture.Origin)}");

        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("(state)");
        await Assertions.Expect(page.Locator("#signed-in")).ToBeHiddenAsync();
    }
}
