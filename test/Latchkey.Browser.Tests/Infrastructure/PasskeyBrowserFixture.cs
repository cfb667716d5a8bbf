using System.Net;
using System.Net.Sockets;
using Latchkey.Testing;

namespace Latchkey.Browser.Tests.Infrastructure;

/// <summary>
/// A browser and a server that the browser reaches as <c>http://localhost:{port}</c>: WebAuthn needs a relying party
/// id that is a domain (an IP address is refused by the browser), and <c>localhost</c> is a secure context over plain
/// HTTP. The port is chosen before the server starts, so that the issuer, the relying party id and the allowed
/// origin are all configured up front, as an operator would.
/// </summary>
public sealed class PasskeyBrowserFixture : BrowserFixture
{
    private readonly int _port = FreePort();

    /// <inheritdoc />
    public override string Origin => $"http://localhost:{_port}";

    /// <inheritdoc />
    protected override void Configure(TestServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Settings["urls"] = $"http://127.0.0.1:{_port}";
        options.Settings["Latchkey:Issuer"] = Origin;
        options.Settings["Latchkey:WebAuthn:RelyingPartyId"] = "localhost";
        options.Settings["Latchkey:WebAuthn:Origins:0"] = Origin;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
