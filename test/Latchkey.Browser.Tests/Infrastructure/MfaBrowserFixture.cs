using Latchkey.Mfa;
using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Browser.Tests.Infrastructure;

/// <summary>
/// A browser and a server whose clock the tests move (it starts at the real time, so that cookies stay valid in the
/// browser): a test steps to the next 30-second TOTP step instead of waiting for it, and ages a sign-in past the
/// re-authentication window.
/// </summary>
public class MfaBrowserFixture : BrowserFixture
{
    /// <summary>The server's clock.</summary>
    public FakeTimeProvider Time { get; } = new(TimeProvider.System.GetUtcNow());

    /// <summary>The code an authenticator app holding <paramref name="secret"/> shows now.</summary>
    public string CodeFor(string secret) => Totp.Code(Base32.TryDecode(secret), Totp.StepAt(Time.GetUtcNow()));

    /// <summary>A six-digit code that no step within the server's drift window has for <paramref name="secret"/>.</summary>
    public string WrongCodeFor(string secret)
    {
        var key = Base32.TryDecode(secret);
        var now = Totp.StepAt(Time.GetUtcNow());
        var valid = new[] { now - 1, now, now + 1 }.Select(step => Totp.Code(key, step)).ToHashSet(StringComparer.Ordinal);
        return Enumerable.Range(0, 10).Select(d => new string((char)('0' + d), Totp.Digits)).First(c => !valid.Contains(c));
    }

    /// <summary>Moves the clock to the next TOTP step, whose code has not been used yet.</summary>
    public void NextStep() => Time.Advance(Totp.StepLength);

    /// <inheritdoc />
    protected override void Configure(TestServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Time = Time;
    }

    /// <summary>
    /// Sets up the authenticator app on the security page of a signed-in <paramref name="page"/>, as a user does:
    /// reads the secret the page shows, types the current code, and answers the secret and the recovery codes shown.
    /// </summary>
    public async Task<(string Secret, IReadOnlyList<string> RecoveryCodes)> EnrolOnSecurityPageAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync("/security");
        await Assertions.Expect(page.Locator("#totp-status")).ToHaveTextAsync("Off");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up authenticator app" }).ClickAsync();
        var (secret, codes) = await CompleteEnrolmentAsync(page, "totp");
        await Assertions.Expect(page.Locator("#totp-status")).ToHaveTextAsync("On");
        await Assertions.Expect(page.Locator("#recovery-left")).ToHaveTextAsync("10");
        return (secret, codes);
    }

    /// <summary>
    /// Completes a shown enrolment (QR code, secret <c>#{prefix}-secret</c>, first code) and acknowledges the recovery
    /// codes; answers the secret and the codes.
    /// </summary>
    public async Task<(string Secret, IReadOnlyList<string> RecoveryCodes)> CompleteEnrolmentAsync(IPage page, string prefix)
    {
        ArgumentNullException.ThrowIfNull(page);
        var qr = page.Locator("img.qr");
        await Assertions.Expect(qr).ToBeVisibleAsync();
        Assert.StartsWith("data:image/png;base64,", await qr.GetAttributeAsync("src"), StringComparison.Ordinal);
        Assert.True(await qr.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "The QR code image did not load.");
        var secret = (await page.Locator($"#{prefix}-secret").TextContentAsync())!.Trim();
        Assert.Matches("^[A-Z2-7]{32}$", secret);

        await page.GetByLabel("Code from the app").FillAsync(CodeFor(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        var list = page.Locator("#recovery-codes li");
        await Assertions.Expect(list).ToHaveCountAsync(10);
        await Assertions.Expect(page.GetByText("shown only this once")).ToBeVisibleAsync();
        var codes = (await list.AllTextContentsAsync()).Select(c => c.Trim()).ToList();
        Assert.Equal(10, codes.Distinct(StringComparer.Ordinal).Count());
        await page.GetByRole(AriaRole.Button, new() { Name = "I have saved these codes" }).ClickAsync();
        return (secret, codes);
    }
}

/// <summary>The same, with the policy <c>Required</c>: every account needs a second factor to sign in.</summary>
public sealed class RequiredMfaBrowserFixture : MfaBrowserFixture
{
    /// <inheritdoc />
    protected override void Configure(TestServerOptions options)
    {
        base.Configure(options);
        options.Settings["Latchkey:Mfa:Required"] = "Required";
    }
}
