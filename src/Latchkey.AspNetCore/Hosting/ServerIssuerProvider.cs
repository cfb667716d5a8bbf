using Latchkey.AccessTokens;
using Latchkey.Grants;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Hosting;

/// <summary>
/// The issuer is <c>Latchkey:Issuer</c>, or else the first address the server listens on; never a
/// request's Host header, which a client controls.
/// </summary>
internal sealed class ServerIssuerProvider(IOptions<LatchkeyOptions> options, IOptions<TokenOptions> tokens, IServer server) : IIssuerProvider
{
    private string? _issuer;

    public string Issuer => _issuer ??= Resolve();

    public string Audience => tokens.Value.Audience ?? Issuer;

    private string Resolve()
    {
        if (options.Value.Issuer is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Latchkey:Issuer is not set and the server has no address yet.");
        return address.TrimEnd('/');
    }
}
