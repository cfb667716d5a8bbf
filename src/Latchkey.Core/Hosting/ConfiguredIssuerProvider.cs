using Latchkey.AccessTokens;
using Latchkey.Grants;
using Microsoft.Extensions.Options;

namespace Latchkey.Hosting;

/// <summary>
/// The issuer of an application without a web server (a worker, a console tool): <c>Latchkey:Issuer</c>
/// as configured. The ASP.NET Core integration replaces it with one that falls back to the listening address.
/// </summary>
internal sealed class ConfiguredIssuerProvider(IOptions<LatchkeyOptions> options, IOptions<TokenOptions> tokens) : IIssuerProvider
{
    public string Issuer => options.Value.Issuer is { Length: > 0 } issuer
        ? issuer.TrimEnd('/')
        : throw new InvalidOperationException("Latchkey:Issuer must be set to issue or validate tokens without a web server.");

    public string Audience => tokens.Value.Audience ?? Issuer;
}
