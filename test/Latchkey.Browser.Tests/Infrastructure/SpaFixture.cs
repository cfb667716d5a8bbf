using Latchkey.Samples.Spa;
using Latchkey.Testing;
using Microsoft.AspNetCore.Builder;

namespace Latchkey.Browser.Tests.Infrastructure;

/// <summary>
/// Latchkey with the single-page sample registered as a public, third-party client (consent asked), and the sample
/// itself on another port of 127.0.0.1: another origin, so that every call its script makes to Latchkey is a CORS
/// request, as it would be in production.
/// </summary>
public sealed class SpaFixture : BrowserFixture
{
    public const string ClientId = "spa-sample";

    // The redirect URI must be registered before Latchkey starts, so the sample's port is chosen first.
    private readonly int _spaPort = ExternalProcess.FreePort();
    private WebApplication? _spa;

    /// <summary>The sample's origin, e.g. <c>http://127.0.0.1:41236</c>.</summary>
    public string SpaOrigin => $"http://127.0.0.1:{_spaPort}";

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _spa = SpaApp.Build(["--urls", SpaOrigin, $"--Spa:Authority={Server.Origin}", $"--Spa:ClientId={ClientId}", "--Logging:LogLevel:Default=Warning"]);
        await _spa.StartAsync();
    }

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        if (_spa is not null)
        {
            await _spa.StopAsync();
            await _spa.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    /// <inheritdoc />
    protected override void Configure(TestServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Settings["Latchkey:Clients:0:ClientId"] = ClientId;
        options.Settings["Latchkey:Clients:0:Scopes"] = "openid profile email offline_access";
        options.Settings["Latchkey:Clients:0:RedirectUris:0"] = SpaOrigin + "/";
        options.Settings["Latchkey:Clients:0:PostLogoutRedirectUris:0"] = SpaOrigin + "/";
    }
}
