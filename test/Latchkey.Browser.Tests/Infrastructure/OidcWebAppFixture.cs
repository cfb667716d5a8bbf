using Latchkey.Samples.OidcWebApp;
using Latchkey.Samples.ResourceApi;
using Latchkey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Browser.Tests.Infrastructure;

/// <summary>
/// Latchkey with the OIDC web app sample registered as a client, the ResourceApi sample trusting Latchkey, and the
/// OIDC web app itself, all on 127.0.0.1: three real servers, each on its own port, and one Chromium.
/// </summary>
public sealed class OidcWebAppFixture : BrowserFixture
{
    public const string ClientId = "oidc-web-app";
    public const string ClientSecret = "oidc-web-app-secret-of-some-length";
    public const string RegisteredScopes = "openid profile email offline_access api";

    // The redirect URIs must be registered before Latchkey starts, so the web app's port is chosen first.
    private readonly int _webAppPort = ExternalProcess.FreePort();
    private WebApplication? _api;
    private WebApplication? _webApp;

    /// <summary>The web app's origin, e.g. <c>http://127.0.0.1:41235</c>.</summary>
    public string WebAppOrigin => $"http://127.0.0.1:{_webAppPort}";

    /// <summary>The ResourceApi sample's base address.</summary>
    public Uri ApiBaseAddress { get; private set; } = null!;

    /// <summary>The web app's record of sessions ended by back-channel logout.</summary>
    public SignedOutSessions SignedOutSessions => WebApp.Services.GetRequiredService<SignedOutSessions>();

    private WebApplication WebApp => _webApp ?? throw new InvalidOperationException("The fixture has not started.");

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();

        _api = ResourceApi.Build(["--urls", "http://127.0.0.1:0", $"--Latchkey:Authority={Server.Origin}", "--Logging:LogLevel:Default=Warning"]);
        await _api.StartAsync();
        ApiBaseAddress = new Uri(_api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

        _webApp = OidcWebApp.Build(
        [
            "--urls", WebAppOrigin,
            $"--Oidc:Authority={Server.Origin}",
            $"--Oidc:ClientId={ClientId}",
            $"--Oidc:ClientSecret={ClientSecret}",
            // Latchkey runs on plain HTTP in the tests; a real deployment keeps the default (true).
            "--Oidc:RequireHttpsMetadata=false",
            $"--Oidc:ApiBaseAddress={ApiBaseAddress}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _webApp.StartAsync();
    }

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        if (_webApp is not null)
        {
            await _webApp.StopAsync();
            await _webApp.DisposeAsync();
        }

        if (_api is not null)
        {
            await _api.StopAsync();
            await _api.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    /// <inheritdoc />
    protected override void Configure(TestServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Settings["Latchkey:Clients:0:ClientId"] = ClientId;
        options.Settings["Latchkey:Clients:0:ClientSecret"] = ClientSecret;
        options.Settings["Latchkey:Clients:0:Scopes"] = RegisteredScopes;
        options.Settings["Latchkey:Clients:0:RedirectUris:0"] = WebAppOrigin + "/signin-oidc";
        options.Settings["Latchkey:Clients:0:PostLogoutRedirectUris:0"] = WebAppOrigin + "/signout-callback-oidc";
        options.Settings["Latchkey:Clients:0:BackChannelLogoutUri"] = WebAppOrigin + "/backchannel-logout";
    }
}
