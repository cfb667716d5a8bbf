using System.Text.Json;
using Latchkey.Browser.Tests.Infrastructure;

namespace Latchkey.Browser.Tests;

/// <summary>
/// Passkeys in Chromium with a virtual authenticator (Chrome DevTools Protocol, <c>WebAuthn.addVirtualAuthenticator</c>):
/// the browser runs the real WebAuthn ceremonies against the pages, and the authenticator signs with its own keys.
/// </summary>
public sealed class PasskeyPageTests(PasskeyBrowserFixture fixture) : IClassFixture<PasskeyBrowserFixture>
{
    [Fact]
    public async Task Passkey_RegisterSignOutSignInWithItRemove()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        var authenticator = await VirtualAuthenticator.AddAsync(tab);

        // Register: signed in with the password (so within the re-authentication window), name it, add it.
        await tab.SignInAsync(email);
        await page.GotoAsync("/passkeys");
        await Assertions.Expect(page.Locator("#empty")).ToBeVisibleAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add passkey" }).ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Added \"Laptop\".");
        var entry = page.Locator("#passkey-list li");
        await Assertions.Expect(entry).ToHaveCountAsync(1);
        await Assertions.Expect(entry.Locator(".passkey-name")).ToHaveTextAsync("Laptop");
        await Assertions.Expect(entry).ToContainTextAsync("never used");

        // The authenticator holds one discoverable credential for the relying party "localhost".
        var credentials = await authenticator.CredentialsAsync();
        var credential = Assert.Single(credentials);
        Assert.True(credential.GetProperty("isResidentCredential").GetBoolean());
        Assert.Equal("localhost", credential.GetProperty("rpId").GetString());
        var signCount = credential.GetProperty("signCount").GetInt32();

        // Sign out: the sign-in page offers the passkey in the email field's autofill (conditional UI), which the
        // virtual authenticator accepts at once, as a user picking it would: signed in with no email and no password.
        await page.Locator("#signout").ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/account");
        await Assertions.Expect(page.Locator("#user-email")).ToHaveTextAsync(email);
        var afterConditional = (await authenticator.CredentialsAsync()).Single().GetProperty("signCount").GetInt32();
        Assert.True(afterConditional > signCount);

        // The button, as in a browser without conditional UI (from the next page load on).
        await page.AddInitScriptAsync("PublicKeyCredential.isConditionalMediationAvailable = async () => false;");
        await page.Locator("#signout").ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/signin**");
        Assert.DoesNotContain(await tab.Context.CookiesAsync(), c => c.Name == "latchkey_session");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/account");
        await Assertions.Expect(page.Locator("#user-email")).ToHaveTextAsync(email);
        Assert.True((await authenticator.CredentialsAsync()).Single().GetProperty("signCount").GetInt32() > afterConditional);

        // The session says how the user signed in, and the list shows the passkey as used.
        var current = await page.EvaluateAsync<JsonElement>("() => fetch('/api/session').then(r => r.json())");
        Assert.Equal(email, current.GetProperty("user").GetProperty("email").GetString());
        var session = current.GetProperty("session");
        Assert.Equal(["hwk", "user", "mfa"], session.GetProperty("amr").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("2", session.GetProperty("acr").GetString());
        await page.GotoAsync("/passkeys");
        await Assertions.Expect(entry).ToContainTextAsync("last used");

        // Remove it (the passkey sign-in is recent enough for this sensitive action).
        await entry.GetByRole(AriaRole.Button, new() { Name = "Remove passkey Laptop" }).ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Removed \"Laptop\".");
        await Assertions.Expect(entry).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#empty")).ToBeVisibleAsync();

        // The authenticator still holds the key, but the server no longer accepts it.
        await page.Locator("#signout").ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/signin**");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Assertions.Expect(page.Locator("#form-error")).ToBeVisibleAsync();
        Assert.EndsWith("/signin", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.DoesNotContain(await tab.Context.CookiesAsync(), c => c.Name == "latchkey_session");
        Assert.Empty(tab.CspViolations);
        await BrowserFixture.ScreenshotAsync(page, "passkey-removed-refused");
    }

    [Fact]
    public async Task Passkey_AsTheSecondFactorAfterThePassword_FinishesTheSignIn()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        var authenticator = await VirtualAuthenticator.AddAsync(tab);
        await tab.SignInAsync(email);
        await page.GotoAsync("/passkeys");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add passkey" }).ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Added \"Laptop\".");
        var signCount = (await authenticator.CredentialsAsync()).Single().GetProperty("signCount").GetInt32();

        // No conditional UI from here on, so that the sign-in page waits for the password instead of taking the passkey.
        await page.AddInitScriptAsync("PublicKeyCredential.isConditionalMediationAvailable = async () => false;");
        await page.Locator("#signout").ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/signin**");
        await BrowserTab.FillSignInAsync(page, email);

        // The password is right, and the account has a passkey: the second step offers it.
        var secondStep = page.Locator("#second-step");
        await Assertions.Expect(secondStep).ToBeVisibleAsync();
        await Assertions.Expect(secondStep.GetByRole(AriaRole.Heading, new() { Name = "Two-step verification" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await tab.Context.CookiesAsync(), c => c.Name == "latchkey_session");

        // A passkey is the account's only second factor: no code to ask for.
        await Assertions.Expect(secondStep.GetByLabel("Authenticator code")).ToHaveCountAsync(0);
        await secondStep.GetByRole(AriaRole.Button, new() { Name = "Use a passkey" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/account");
        await Assertions.Expect(page.Locator("#user-email")).ToHaveTextAsync(email);
        Assert.True((await authenticator.CredentialsAsync()).Single().GetProperty("signCount").GetInt32() > signCount);

        var session = (await page.EvaluateAsync<JsonElement>("() => fetch('/api/session').then(r => r.json())")).GetProperty("session");
        Assert.Equal(["pwd", "hwk", "user", "mfa"], session.GetProperty("amr").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("2", session.GetProperty("acr").GetString());
        Assert.Empty(tab.CspViolations);
    }

    /// <summary>A CTAP2 platform authenticator with user verification that answers every request at once.</summary>
    private sealed class VirtualAuthenticator
    {
        private readonly ICDPSession _session;
        private readonly string _id;

        private VirtualAuthenticator(ICDPSession session, string id)
        {
            _session = session;
            _id = id;
        }

        public static async Task<VirtualAuthenticator> AddAsync(BrowserTab tab)
        {
            var session = await tab.Context.NewCDPSessionAsync(tab.Page);
            await session.SendAsync("WebAuthn.enable");
            var answer = await session.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
            {
                ["options"] = new Dictionary<string, object>
                {
                    ["protocol"] = "ctap2",
                    ["transport"] = "internal",
                    ["hasResidentKey"] = true,
                    ["hasUserVerification"] = true,
                    ["isUserVerified"] = true,
                    ["automaticPresenceSimulation"] = true,
                },
            });
            return new VirtualAuthenticator(session, answer!.Value.GetProperty("authenticatorId").GetString()!);
        }

        public async Task<IReadOnlyList<JsonElement>> CredentialsAsync()
        {
            var answer = await _session.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = _id });
            return [.. answer!.Value.GetProperty("credentials").EnumerateArray()];
        }
    }
}
