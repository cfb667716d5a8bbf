using Latchkey.AspNetCore.OAuth;
using Latchkey.Grants;
using Microsoft.AspNetCore.Http;

namespace Latchkey.Fuzzing.Targets;

/// <summary>
/// The OAuth endpoints' request reader: content type, form body (repeated, empty and percent-encoded
/// parameters) and HTTP Basic client authentication, then the scope parser on what it read. The input is
/// a request: header lines, an empty line, the body.
/// </summary>
public sealed class FormTarget : IFuzzTarget
{
    /// <summary>The body limit of the default options.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <inheritdoc />
    public string Name => "form";

    /// <inheritdoc />
    public void Run(ReadOnlySpan<byte> input)
    {
        var context = FuzzRequest.Create(input, HttpMethods.Post);
        var (request, error) = OAuthRequest.ReadAsync(context, MaxBodyBytes).GetAwaiter().GetResult();
        if ((request is null) == (error is null))
        {
            throw new UndocumentedOutcomeException("The reader gave both a request and an error, or neither.");
        }

        if (error is not null)
        {
            HttpOutcome.RequireClientError(context, error);
            return;
        }

        // A secret without an id is read as given: client authentication refuses it later (invalid_client).
        if (request!.UsedBasic && (request.ClientId is null || request.ClientSecret is null))
        {
            throw new UndocumentedOutcomeException("HTTP Basic was accepted without both an id and a secret.");
        }

        foreach (var name in (string[])["grant_type", "username", "password", "refresh_token", "token", "token_type_hint"])
        {
            _ = request[name];
        }

        if (Scopes.TryParse(request["scope"], out var scopes) && scopes.Any(s => s.Length == 0 || s.Contains(' ', StringComparison.Ordinal)))
        {
            throw new UndocumentedOutcomeException("A scope was split into an empty or spaced token.");
        }
    }
}
