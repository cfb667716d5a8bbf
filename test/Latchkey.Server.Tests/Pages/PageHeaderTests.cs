using System.Net;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Pages;

public sealed class PageHeaderTests
{
    [Theory]
    [InlineData("signin")]
    [InlineData("signup")]
    [InlineData("account")]
    [InlineData("security")]
    [InlineData("tokens")]
    [InlineData("forgot-password")]
    [InlineData("reset-password")]
    [InlineData("verify-email")]
    [InlineData("confirm-email")]
    [InlineData("undo-email-change")]
    public async Task Page_OverHttps_CarriesHstsAndStrictCsp(string page)
    {
        await using var server = await LatchkeyTestServer.StartAsync(new TestServerOptions { Https = true });
        using var client = server.CreateClient();

        using var response = await client.GetAsync(page);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Page_OverHttp_HasNoHsts()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        using var client = server.CreateClient();

        using var response = await client.GetAsync("signin");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
    }
}
