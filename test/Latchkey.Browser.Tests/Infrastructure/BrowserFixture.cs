using Latchkey.Testing;

namespace Latchkey.Browser.Tests.Infrastructure;

/// <summary>
/// One headless Chromium (Debian's <c>chromium</c> package, never a downloaded build) and one real
/// Latchkey server on 127.0.0.1, shared by the tests of a class.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    /// <summary>Where Debian's chromium package puts the browser.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private LatchkeyTestServer? _server;

    /// <summary>The running Latchkey server.</summary>
    public LatchkeyTestServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>The browser.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>Latchkey's origin as the browser reaches it, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public virtual string Origin => Server.Origin;

    /// <inheritdoc />
    public virtual async Task InitializeAsync()
    {
        // A missing browser fails the run (never a skip): CI installs it through .ci/run.
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is missing at {ChromiumPath}: the browser tests need Debian's chromium package. Run `apt-get install chromium`.");
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var options = new TestServerOptions();
        Configure(options);
        _server = await LatchkeyTestServer.StartAsync(options);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A fresh browser context (its own cookie jar: one "device") with one page open.</summary>
    public async Task<BrowserTab> NewTabAsync(string? userAgent = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Origin,
            UserAgent = userAgent,
            ViewportSize = new ViewportSize { Width = 1100, Height = 800 },
        });
        context.SetDefaultTimeout(15_000);
        var tab = new BrowserTab(context, await context.NewPageAsync());
        return tab;
    }

    /// <summary>Creates an account over the API (faster than the form when the form is not under test).</summary>
    public async Task<string> RegisterAsync()
    {
        var email = TestData.NewEmail();
        using var client = Server.CreateClient();
        await client.RegisterAsync(email);
        return email;
    }

    /// <summary>Adjusts how the shared server starts.</summary>
    protected virtual void Configure(TestServerOptions options)
    {
    }

    /// <summary>Saves a full-page screenshot under TestResults/screenshots (a test artifact, never committed).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(RepositoryFolder.Root(), "TestResults", "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
    }

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
