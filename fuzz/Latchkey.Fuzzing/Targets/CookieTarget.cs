using Latchkey.AspNetCore.Authentication;
using Latchkey.AspNetCore.Csrf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Latchkey.Fuzzing.Targets;

/// <summary>
/// What cookie authentication reads from a request before any store lookup: the session cookie (over
/// HTTP and over HTTPS, where only the <c>__Host-</c> name counts), the CSRF token it implies and the
/// <c>X-CSRF-Token</c> header, and the <c>Origin</c> header. The input is a request's header lines.
/// </summary>
public sealed class CookieTarget : IFuzzTarget
{
    private static readonly OriginPolicy Policy = new(Options.Create(CreateOptions()));

    /// <inheritdoc />
    public string Name => "cookie";

    /// <inheritdoc />
    public void Run(ReadOnlySpan<byte> input)
    {
        var context = FuzzRequest.Create(input, HttpMethods.Post);
        foreach (var scheme in (string[])["http", "https"])
        {
            context.Request.Scheme = scheme;
            var credentials = SessionCredentials.Read(context.Request);
            if (credentials is not null && (credentials.CsrfToken.Length != 43 || credentials.RawId.Length != 43))
            {
                throw new UndocumentedOutcomeException("A session id or CSRF token of the wrong length was accepted.");
            }
        }

        // The origin check of unsafe API requests: one Origin header, judged by the policy.
        var origins = context.Request.Headers.Origin;
        if (origins.Count == 1)
        {
            Policy.IsAllowed(origins[0]);
        }
    }

    private static LatchkeyOptions CreateOptions()
    {
        var options = new LatchkeyOptions { Issuer = "http://127.0.0.1:5080" };
        options.AllowedOrigins.Add("https://app.fuzz.test");
        return options;
    }
}
