using System.Collections.Concurrent;

namespace Latchkey.Browser.Tests.Infrastructure;

/// <summary>A browser context with one page, recording console errors and uncaught page errors.</summary>
public sealed class BrowserTab : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _consoleErrors = new();

    /// <summary>Wraps <paramref name="page"/> of <paramref name="context"/>.</summary>
    public BrowserTab(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        Track(page);
    }

    /// <summary>The context: one cookie jar, i.e. one device.</summary>
    public IBrowserContext Context { get; }

    /// <summary>The page.</summary>
    public IPage Page { get; }

    /// <summary>Console errors and uncaught exceptions seen so far, on every page of the context.</summary>
    public IReadOnlyCollection<string> ConsoleErrors => _consoleErrors;

    /// <summary>Console messages that report a Content-Security-Policy violation.</summary>
    public IEnumerable<string> CspViolations => _consoleErrors.Where(m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));

    /// <summary>Opens another page in the same context (same cookies), tracked as well.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var page = await Context.NewPageAsync();
        Track(page);
        return page;
    }

    /// <summary>Signs in through the sign-in form and waits for the account page.</summary>
    public async Task SignInAsync(string email, string password = Latchkey.Testing.TestData.Password)
    {
        await Page.GotoAsync("/signin");
        await FillSignInAsync(Page, email, password);
        await WaitForUrlAsync(Page, "**/account");
        await Assertions.Expect(Page.Locator("#user-email")).ToHaveTextAsync(email);
    }

    /// <summary>Fills and submits the sign-in form on <paramref name="page"/>.</summary>
    public static async Task FillSignInAsync(IPage page, string email, string password = Latchkey.Testing.TestData.Password)
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Waits until <paramref name="page"/> is at <paramref name="url"/> (a glob); on timeout, says where it is, its heading and its alerts.</summary>
    /// <remarks>
    /// Playwright's wait reads the page's address and then listens for navigations; a script-driven navigation
    /// that lands between the two (a reloaded page that finds its session gone and moves on at once) is missed and
    /// the wait runs out at the very address it waited for. Short waits in a loop read the address again each time.
    /// </remarks>
    public static Task WaitForUrlAsync(IPage page, string url) =>
        WaitForUrlAsync(page, url, options => page.WaitForURLAsync(url, options));

    /// <summary>Waits, as the glob overload does, until <paramref name="url"/> holds for the page's address.</summary>
    public static Task WaitForUrlAsync(IPage page, Func<string, bool> url, string described) =>
        WaitForUrlAsync(page, described, options => page.WaitForURLAsync(url, options));

    private static async Task WaitForUrlAsync(IPage page, string described, Func<PageWaitForURLOptions, Task> wait)
    {
        const int Attempts = 15;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await wait(new() { Timeout = 1_000 });
                    return;
                }
                catch (TimeoutException) when (attempt < Attempts)
                {
                }
            }
        }
        catch (TimeoutException e)
        {
            // The heading and the alerts say which page and what went wrong; not the body, where a page may show
            // recovery codes or an authenticator secret that must not reach the CI log.
            var heading = await page.Locator("h1").AllTextContentsAsync();
            var alert = await page.Locator("[role=alert]:visible").AllTextContentsAsync();
            throw new TimeoutException(
                $"Still at {page.Url} (heading: {string.Join(" | ", heading)}) instead of {described}; alerts: [{string.Join(" | ", alert)}]", e);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await Context.DisposeAsync();

    private void Track(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _consoleErrors.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) => _consoleErrors.Enqueue("page error: " + error);
    }
}
